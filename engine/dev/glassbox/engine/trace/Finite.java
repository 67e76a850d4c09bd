package dev.glassbox.engine.trace;

/**
 * The one check that a computed result holds no NaN or infinity, so a broken model or setting stops with the place
 * the bad value first appeared instead of passing it on into files and printed numbers.
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

        /** The same failure, located at a token position (for callers that know it). */
        public NonFiniteException at(int position) {
            return where.contains(" at position ") ? this : new NonFiniteException(where + " at position " + position, value);
        }
    }

    /** Checks {@code values}; {@code where} names them, e.g. "blocks.2.attn.pattern" or "logits at position 5". */
    public static float[] check(float[] values, String where) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) throw fail(where, values[i]);
        }
        return values;
    }

    /** Checks the values of one token position. */
    public static float[] check(float[] values, String where, int position) {
        return check(values, where + " at position " + position);
    }

    /** Checks a per-position series such as per-token log-probabilities: {@code values[i]} belongs to position i + offset. */
    public static float[] checkSeries(float[] values, String where, int offset) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) throw fail(where + " at position " + (i + offset), values[i]);
        }
        return values;
    }

    public static double check(double value, String where) {
        if (!Double.isFinite(value)) throw fail(where, value);
        return value;
    }

    private static NonFiniteException fail(String where, double value) {
        return new NonFiniteException(where, value);
    }
}
