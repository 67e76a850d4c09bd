package dev.glassbox.engine.trace;

/**
 * The one check that a computed result holds no NaN or infinity, so a broken model or setting stops with the place
 * the bad value first appeared instead of passing it on into files and printed numbers. Every captured hook passes
 * through it ({@link Capture#keep}), so a run that captures hooks names the first hook a NaN reaches.
 */
public final class Finite {
    private Finite() {
    }

    /** Thrown at the first non-finite value; the message names where it appeared. */
    public static final class NonFiniteException extends ArithmeticException {
        private final String where;
        private final double value;

        NonFiniteException(String where, double value) {
            super("non-finite value (" + value + ") in " + where
                    + ": the model's weights or settings produce NaN or infinity");
            this.where = where;
            this.value = value;
        }

        /** The same failure, located at a token position (unless it already is). */
        public NonFiniteException at(int position) {
            return where.contains(" at position ") ? this : new NonFiniteException(where + " at position " + position, value);
        }
    }

    /** Checks {@code values}; {@code where} names them, e.g. "blocks.2.attn.pattern" or "the logits". */
    public static float[] check(float[] values, String where) {
        int i = firstNonFinite(values);
        if (i >= 0) throw error(where, values[i]);
        return values;
    }

    /** Checks the values of one token position. */
    public static float[] check(float[] values, String where, int position) {
        return check(values, where + " at position " + position);
    }

    public static double check(double value, String where) {
        if (!Double.isFinite(value)) throw error(where, value);
        return value;
    }

    /** The index of the first NaN or infinity in {@code values}, or -1. */
    public static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) return i;
        }
        return -1;
    }

    public static NonFiniteException error(String where, double value) {
        return new NonFiniteException(where, value);
    }
}
