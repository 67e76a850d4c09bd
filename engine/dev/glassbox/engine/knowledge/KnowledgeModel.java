package dev.glassbox.engine.knowledge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.io.Json;
import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.tokenizer.Tokenizer;

/**
 * The knowledge a model was trained with, kept beside its weights: {@value #KB_FILE} (the knowledge base) and
 * {@value #META_FILE} (the injection and the input length), so the explorer enhances a prompt exactly as training did.
 */
public record KnowledgeModel(KnowledgeInjector injector, int maxLength) {
    public static final String KB_FILE = "knowledge.tsv";
    public static final String META_FILE = "knowledge.json";

    /** Writes the two files into a model folder; {@code more} adds fields to knowledge.json (fact accuracy, say). */
    public static void write(OutputFolder out, KnowledgeBase kb, Injection injection, int maxLength, Map<String, Object> more)
            throws IOException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("injection", injection.id());
        meta.put("max_length", maxLength);
        meta.put("triples", kb.size());
        meta.putAll(more);
        out.writeString(KB_FILE, kb.tsv());
        out.writeString(META_FILE, Json.PRETTY.writeValueAsString(meta));
    }

    /**
     * What {@link #write}'s {@code more} records about a run's data: the knowledge file's name and, with held-out
     * facts ({@code heldOutFile} not null), their file, count and the fact accuracy measured.
     */
    public static Map<String, Object> trainedOn(Path knowledgeFile, Path heldOutFile, int heldOutFacts, double factAccuracy) {
        Map<String, Object> more = new LinkedHashMap<>();
        more.put("knowledge_file", knowledgeFile.getFileName().toString());
        if (heldOutFile != null) {
            more.put("held_out_file", heldOutFile.getFileName().toString());
            more.put("held_out_facts", heldOutFacts);
            more.put("fact_accuracy", factAccuracy);
        }
        return more;
    }

    /** The knowledge of the model folder {@code folder}, or empty when it has none (not a folder, or no knowledge.json). */
    public static Optional<KnowledgeModel> of(Path folder, Tokenizer tok) throws IOException {
        if (folder == null || tok == null || !Files.isRegularFile(folder.resolve(META_FILE))) {
            return Optional.empty();
        }
        Path metaFile = folder.resolve(META_FILE);
        JsonNode meta;
        try {
            meta = Json.STRICT.readTree(Files.readAllBytes(metaFile));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new FormatException(metaFile, "not valid JSON: " + e.getOriginalMessage());
        }
        if (meta == null || !meta.path("injection").isTextual() || !meta.path("max_length").canConvertToInt()
                || meta.path("max_length").asInt() < 3) {
            throw new FormatException(metaFile, "expected \"injection\" (none, append or kbert) and \"max_length\" (at least 3)");
        }
        Injection injection;
        try {
            injection = Injection.parse(meta.path("injection").asText());
        } catch (IllegalArgumentException e) {
            throw new FormatException(metaFile, e.getMessage());
        }
        KnowledgeBase kb = KnowledgeBase.read(folder.resolve(KB_FILE));
        InjectionTokens tokens = new InjectionTokens(s -> body(tok, s), tok.bos(), tok.eos(),
                single(tok, InjectionTokens.KB_OPEN, metaFile), single(tok, InjectionTokens.KB_CLOSE, metaFile));
        return Optional.of(new KnowledgeModel(new KnowledgeInjector(kb, tokens, injection), meta.path("max_length").asInt()));
    }

    /** The enhanced input of a prompt's token ids as the tokenizer made them ([CLS] and [SEP] around the text). */
    public InjectedInput inject(int[] promptIds, Tokenizer tok) {
        return injector.inject(strip(tok, promptIds), maxLength);
    }

    /** {@code ids} without the template's [CLS] in front and [SEP] at the end. */
    static int[] strip(Tokenizer tok, int[] ids) {
        int from = ids.length > 0 && tok.bos() >= 0 && ids[0] == tok.bos() ? 1 : 0;
        int to = ids.length > from && tok.eos() >= 0 && ids[ids.length - 1] == tok.eos() ? ids.length - 1 : ids.length;
        return Arrays.copyOfRange(ids, from, to);
    }

    private static int[] body(Tokenizer tok, String text) {
        return strip(tok, tok.encode(text));
    }

    private static int single(Tokenizer tok, String token, Path file) throws FormatException {
        int[] ids = body(tok, token);
        if (ids.length != 1) {
            throw new FormatException(file, "the model's tokenizer has no " + token + " token");
        }
        return ids[0];
    }
}
