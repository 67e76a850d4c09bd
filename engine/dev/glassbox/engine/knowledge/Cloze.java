package dev.glassbox.engine.knowledge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.glassbox.engine.io.FormatException;

/**
 * A held-out fact as a cloze sentence: the sentence mentions the fact's subject and has {@value #MASK} where the
 * object goes; {@code answer} is the object. Files hold {@code sentence<TAB>answer<TAB>subject<TAB>relation} lines.
 */
public record Cloze(String sentence, String answer, String subject, String relation) {
    public static final String MASK = "[MASK]";
    static final String HEADER = "# sentence\tanswer\tsubject\trelation\n";
    /** Largest cloze file read (16 MiB). */
    public static final long MAX_FILE_BYTES = 16L << 20;

    public Cloze {
        new Triple(subject, relation, answer); // the same field rules as a triple's
        if (sentence == null || sentence.indexOf('\t') >= 0 || sentence.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a cloze sentence must be one line without tabs");
        }
        if (!sentence.contains(MASK)) {
            throw new IllegalArgumentException("the cloze sentence '" + sentence + "' has no " + MASK);
        }
    }

    public String tsv() {
        return sentence + "\t" + answer + "\t" + subject + "\t" + relation;
    }

    /** The sentence with the answer in place of the mask. */
    public String filled() {
        return sentence.replace(MASK, answer);
    }

    public static String tsv(List<Cloze> clozes) {
        StringBuilder s = new StringBuilder(HEADER);
        for (Cloze c : clozes) s.append(c.tsv()).append('\n');
        return s.toString();
    }

    /** Reads a cloze TSV file; a bad line fails with the file name, the line number and the problem. */
    public static List<Cloze> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new FormatException(file, "no such cloze file");
        }
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new FormatException(file, "the cloze file is over the limit of " + MAX_FILE_BYTES + " bytes");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new FormatException(file, "not valid UTF-8 text");
        }
        List<Cloze> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t", -1);
            if (f.length != 4) {
                throw new FormatException(file, "line " + (i + 1) + ": expected 4 tab-separated fields (sentence, answer,"
                        + " subject, relation), found " + f.length);
            }
            try {
                out.add(new Cloze(f[0].strip(), f[1].strip(), f[2].strip(), f[3].strip()));
            } catch (IllegalArgumentException e) {
                throw new FormatException(file, "line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new FormatException(file, "no cloze lines");
        }
        return out;
    }
}
