package dev.glassbox.engine.train;

/**
 * One encoder training example in BERT's input form (Devlin et al. 2019, sec. 3): token ids, token types (segment A = 0,
 * B = 1), explicit position ids (0..n-1 for plain text; K-BERT's soft positions, Liu et al. 2020 sec. 3.2, when a
 * triple is inserted), an optional visible matrix and the MLM labels. Arrays are used as given (not copied).
 *
 * @param ids       token ids, n of them
 * @param types     token type per token (null = all 0)
 * @param positions position id per token, each below the model's max positions (null = 0..n-1)
 * @param visible   [n, n] row-major, true where query i may attend to key j (K-BERT's visible matrix; null = all)
 * @param mlmLabels original id at each position that carries an MLM loss, {@link #NO_LABEL} elsewhere (null = none)
 * @param nspLabel  {@link #IS_NEXT}, {@link #NOT_NEXT} or {@link #NO_LABEL} (HF's next_sentence_label convention)
 */
public record EncoderExample(int[] ids, int[] types, int[] positions, boolean[] visible, int[] mlmLabels, int nspLabel) {
    public static final int NO_LABEL = -1;
    public static final int IS_NEXT = 0;
    public static final int NOT_NEXT = 1;

    public EncoderExample {
        java.util.Objects.requireNonNull(ids, "ids");
        int n = ids.length;
        if (n == 0) throw new IllegalArgumentException("an encoder example needs at least one token");
        check(types, n, "types");
        check(positions, n, "positions");
        check(mlmLabels, n, "mlmLabels");
        if (visible != null && visible.length != n * n) {
            throw new IllegalArgumentException("visible matrix has " + visible.length + " entries for " + n + " tokens");
        }
        if (nspLabel < NO_LABEL || nspLabel > NOT_NEXT) throw new IllegalArgumentException("nspLabel " + nspLabel);
    }

    private static void check(int[] a, int n, String name) {
        if (a != null && a.length != n) {
            throw new IllegalArgumentException(name + " has " + a.length + " entries for " + n + " tokens");
        }
    }

    /** Plain text: one segment, positions 0..n-1, every token visible, no labels. */
    public static EncoderExample of(int[] ids) {
        return new EncoderExample(ids, null, null, null, null, NO_LABEL);
    }

    public int length() { return ids.length; }

    public int type(int i) { return types == null ? 0 : types[i]; }

    public int position(int i) { return positions == null ? i : positions[i]; }

    public int label(int i) { return mlmLabels == null ? NO_LABEL : mlmLabels[i]; }

    /** This example with other ids and MLM labels (what masking produces); types, positions and visibility kept. */
    public EncoderExample withMasking(int[] newIds, int[] labels) {
        return new EncoderExample(newIds, types, positions, visible, labels, nspLabel);
    }

    /** The number of positions that carry an MLM loss. */
    public int labelled() {
        int c = 0;
        for (int i = 0; i < ids.length; i++) if (label(i) != NO_LABEL) c++;
        return c;
    }
}
