package dev.glassbox.engine.knowledge;

/** One fact of a knowledge base: {@code subject relation object}, each a non-blank name without tabs or line breaks. */
public record Triple(String subject, String relation, String object) {
    public Triple {
        check("subject", subject);
        check("relation", relation);
        check("object", object);
    }

    private static void check(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the " + field + " of a triple is empty");
        }
        if (value.indexOf('\t') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("the " + field + " '" + value.strip() + "' holds a tab or line break");
        }
        if (!value.equals(value.strip())) {
            throw new IllegalArgumentException("the " + field + " '" + value + "' starts or ends with a space");
        }
    }

    /** The triple as one line of a KB TSV file (no line break). */
    public String tsv() {
        return subject + "\t" + relation + "\t" + object;
    }
}
