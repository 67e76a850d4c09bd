package dev.glassbox.engine.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.glassbox.engine.io.AtomicFile;
import dev.glassbox.engine.io.Json;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.model.TraceRun;

/**
 * Everything needed to reproduce and read an exported trace: which model file (by sha256), its config and
 * tokenizer, the prompt and token ids, the generation settings and seed, the hooks asked for and the arrays
 * written. Serialised as {@code manifest.json} with snake_case keys.
 */
public record TraceManifest(String glassboxVersion, String created, Model model, TokenizerInfo tokenizer,
                            String prompt, int[] tokenIds, List<String> tokenTexts, int promptLength, String mode,
                            Settings settings, long seed, String hooks, String stop, List<ArrayFile> arrays) {

    /** @param sha256 of the model file (of a folder: of its files' names and bytes in sorted order) */
    public record Model(String name, String file, String format, String sha256, long bytes, ModelConfig config) {
    }

    public record TokenizerInfo(String kind, int vocabSize, int bos, int eos) {
    }

    public record Settings(int newTokens, float temperature, float topP, int topK, boolean stopAtEos) {
    }

    /** One written array: the hook, its file (relative to the manifest) and its shape. */
    public record ArrayFile(String hook, String file, int[] shape) {
    }

    public TraceManifest {
        tokenIds = tokenIds.clone();
        tokenTexts = List.copyOf(tokenTexts);
        arrays = List.copyOf(arrays);
    }

    /** Describes a finished run (hashing the model file, which streams it once). */
    public static TraceManifest of(TraceRun.Request request, TraceRun.Result result, String glassboxVersion,
                                   Instant created) throws IOException {
        LoadedModel m = request.model();
        Path src = m.source();
        boolean onDisk = src != null && Files.exists(src); // models built in memory have no file to hash
        Model model = new Model(m.name(), src == null ? null : src.toString(), m.format(),
                onDisk ? sha256(src) : null, onDisk ? bytes(src) : 0, m.config());
        Tokenizer t = m.tokenizer();
        TokenizerInfo tok = t == null ? null
                : new TokenizerInfo(t.getClass().getSimpleName(), t.vocabSize(), t.bos(), t.eos());
        int[] ids = result.tokens();
        List<String> texts = new ArrayList<>();
        for (int id : ids) {
            texts.add(t == null ? Integer.toString(id) : t.display(id));
        }
        Generation.Settings s = request.settings();
        return new TraceManifest(glassboxVersion, created.toString(), model, tok, request.prompt(), ids, texts,
                result.promptLength(), m.isDecoder() ? "decoder" : "encoder",
                new Settings(s.newTokens(), s.temperature(), s.topP(), s.topK(), s.stopAtEos()), s.seed(),
                request.hooks().toString(), result.stop().name().toLowerCase(), List.of());
    }

    public TraceManifest withArrays(List<ArrayFile> written) {
        return new TraceManifest(glassboxVersion, created, model, tokenizer, prompt, tokenIds, tokenTexts,
                promptLength, mode, settings, seed, hooks, stop, written);
    }

    public boolean isEncoder() { return "encoder".equals(mode); }

    @Override
    public int[] tokenIds() { return tokenIds.clone(); }

    public static ObjectMapper mapper() {
        return Json.SNAKE_CASE_PRETTY;
    }

    public void write(Path file) throws IOException {
        AtomicFile.write(file, out -> mapper().writeValue(out, this));
    }

    /** SHA-256 of a file, streamed in 1 MiB chunks; of a folder, over its regular files' relative names and bytes. */
    public static String sha256(Path path) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides SHA-256", e);
        }
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(path)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                md.update(path.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                digest(md, f);
            }
        } else {
            digest(md, path);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void digest(MessageDigest md, Path file) throws IOException {
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
    }

    private static long bytes(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return Files.size(path);
        }
        try (Stream<Path> walk = Files.walk(path)) {
            long n = 0;
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                n += Files.size(f);
            }
            return n;
        }
    }
}
