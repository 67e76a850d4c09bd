package dev.glassbox.engine.analysis.walkthrough;

import java.util.List;

/** The numbers a walkthrough step shows: a labelled strip (vector) or a small labelled grid (matrix). */
public sealed interface Values permits Values.Strip, Values.Grid {

    /** The short symbol shown beside the values, e.g. {@code q₂} or {@code softmax}. */
    String label();

    float[] values();

    /** Where the values sit in a hook's tensor at the walkthrough's position, or null when no hook holds them. */
    Source source();

    /**
     * @param cells one label per value (a token, an index), or empty for plain indices
     */
    record Strip(String label, float[] values, List<String> cells, Source source) implements Values {
        public Strip {
            values = values.clone();
            cells = List.copyOf(cells);
            if (!cells.isEmpty() && cells.size() != values.length) {
                throw new IllegalArgumentException(label + ": " + cells.size() + " labels for " + values.length + " values");
            }
        }

        @Override
        public float[] values() { return values.clone(); }
    }

    /** A row-major rows x cols matrix; masked cells hold negative infinity. */
    record Grid(String label, int rows, int cols, float[] values, List<String> rowLabels, List<String> colLabels,
                Source source) implements Values {
        public Grid {
            if ((long) rows * cols != values.length) {
                throw new IllegalArgumentException(label + ": " + rows + " x " + cols + " does not hold " + values.length + " values");
            }
            values = values.clone();
            rowLabels = List.copyOf(rowLabels);
            colLabels = List.copyOf(colLabels);
        }

        @Override
        public float[] values() { return values.clone(); }

        public float at(int r, int c) { return values[r * cols + c]; }
    }

    /**
     * The hook tensor the values come from or must equal.
     *
     * @param hook the hook's name, as the run's trace prints it
     * @param indices for each shown value, its index in the hook's values
     * @param captured true: copied from the hook; false: computed by the walkthrough from the step before, and
     *                 equal to the hook (the walkthrough's own check that its arithmetic is the engine's)
     */
    record Source(String hook, int[] indices, boolean captured) {
        public Source {
            indices = indices.clone();
        }

        @Override
        public int[] indices() { return indices.clone(); }

        public static Source range(String hook, int from, int count, boolean captured) {
            int[] ix = new int[count];
            for (int i = 0; i < count; i++) {
                ix[i] = from + i;
            }
            return new Source(hook, ix, captured);
        }
    }
}
