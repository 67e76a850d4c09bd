package dev.glassbox.engine.train;

/**
 * {@code batch} (source, target) pairs padded to common lengths: source ids [batch, sourceSeq] with the valid
 * length of each row, the decoder's input [batch, targetSeq] (teacher forcing: the start token, then the
 * target shifted right) and the next-token targets ({@link CrossEntropy#IGNORE} on padding; null when
 * only the forward is wanted).
 */
public record Seq2SeqBatch(int[] source, int[] sourceLengths, int[] targetIn, int[] targets,
                           int batch, int sourceSeq, int targetSeq) {
    public Seq2SeqBatch {
        if (source.length != batch * sourceSeq || sourceLengths.length != batch || targetIn.length != batch * targetSeq
                || (targets != null && targets.length != batch * targetSeq)) {
            throw new IllegalArgumentException("batch arrays do not match " + batch + " rows of " + sourceSeq
                    + " source and " + targetSeq + " target tokens");
        }
    }

    /** One pair without padding. */
    public static Seq2SeqBatch single(int[] source, int[] targetIn, int[] targets) {
        return new Seq2SeqBatch(source, new int[] {source.length}, targetIn, targets, 1, source.length, targetIn.length);
    }
}
