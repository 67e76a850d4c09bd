package dev.glassbox.engine.knowledge;

/** A subject named in a token span: tokens {@code start} (inclusive) to {@code end} (exclusive) of the sentence. */
public record Mention(int start, int end, String subject) {
    public Mention {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("a mention spans tokens " + start + " to " + end);
        }
    }
}
