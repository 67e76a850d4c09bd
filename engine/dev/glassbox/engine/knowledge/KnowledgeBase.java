package dev.glassbox.engine.knowledge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.glassbox.engine.io.FormatException;

/**
 * A knowledge base of triples, read from a TSV file of {@code subject<TAB>relation<TAB>object} lines (blank lines and
 * lines starting with {@code #} skipped), indexed by subject for retrieval (ROOTS sec. 3.2, step 2).
 */
public final class KnowledgeBase {
    /** Largest KB file read (64 MiB), checked before reading. */
    public static final long MAX_FILE_BYTES = 64L << 20;
    /** Most triples one knowledge base holds. */
    public static final int MAX_TRIPLES = 1_000_000;

    private final List<Triple> triples;
    private final Map<String, List<Triple>> bySubject = new LinkedHashMap<>();

    private KnowledgeBase(List<Triple> triples) {
        if (triples.size() > MAX_TRIPLES) {
            throw new IllegalArgumentException("a knowledge base of " + triples.size() + " triples is over the limit of " + MAX_TRIPLES);
        }
        Set<Triple> unique = new LinkedHashSet<>(triples);
        this.triples = List.copyOf(unique);
        for (Triple t : this.triples) {
            bySubject.computeIfAbsent(t.subject(), k -> new ArrayList<>()).add(t);
        }
        bySubject.replaceAll((k, v) -> List.copyOf(v));
    }

    /** A knowledge base of these triples (repeats kept once, order kept). */
    public static KnowledgeBase of(List<Triple> triples) {
        return new KnowledgeBase(triples);
    }

    /** Reads a KB TSV file; a bad line fails with the file name, the line number and the problem. */
    public static KnowledgeBase read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new FormatException(file, "no such knowledge-base file");
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new FormatException(file, "the knowledge-base file is " + size + " bytes, over the limit of " + MAX_FILE_BYTES);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(file, "not valid UTF-8 text");
        }
        List<Triple> triples = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t", -1);
            if (f.length != 3) {
                throw new FormatException(file, "line " + (i + 1) + ": expected 3 tab-separated fields (subject, relation,"
                        + " object), found " + f.length);
            }
            try {
                triples.add(new Triple(f[0].strip(), f[1].strip(), f[2].strip()));
            } catch (IllegalArgumentException e) {
                throw new FormatException(file, "line " + (i + 1) + ": " + e.getMessage());
            }
            if (triples.size() > MAX_TRIPLES) {
                throw new FormatException(file, "more than " + MAX_TRIPLES + " triples");
            }
        }
        if (triples.isEmpty()) {
            throw new FormatException(file, "no triples (expected lines of subject<TAB>relation<TAB>object)");
        }
        return new KnowledgeBase(triples);
    }

    public List<Triple> triples() { return triples; }

    public int size() { return triples.size(); }

    /** Every subject, in the order first seen. */
    public Set<String> subjects() { return bySubject.keySet(); }

    /** The subject's triples in file order (ROOTS sec. 3.2 step 2, retrieval), empty for an unknown subject. */
    public List<Triple> triplesOf(String subject) {
        return bySubject.getOrDefault(subject, List.of());
    }

    /** The knowledge base as TSV text, one triple a line. */
    public String tsv() {
        StringBuilder s = new StringBuilder();
        for (Triple t : triples) s.append(t.tsv()).append('\n');
        return s.toString();
    }
}
