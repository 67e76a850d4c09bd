package dev.glassbox.engine.analysis.heads;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.glassbox.engine.spec.Spec;

import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.ModelConfig;

/**
 * A set of heads ablated together, and how: zero ablation, or mean ablation with the mean head outputs of a
 * reference input ({@link HeadAblation#meanOutputs}). Validated against a model's shape when it is built with
 * {@link #of}; {@link #intervention} turns it into the forward pass's {@link Intervention}.
 *
 * @param heads distinct heads in (layer, head) order
 * @param means [layer][head][headDim] mean outputs for {@link HeadAblation.Mode#MEAN}, null for ZERO
 */
public record HeadSet(List<Head> heads, HeadAblation.Mode mode, float[][][] means) {

    /** One head, as written in specs and labels: layer.head, shown as L{layer}H{head}. */
    public record Head(int layer, int head) implements Comparable<Head> {
        @Override
        public int compareTo(Head o) {
            return layer != o.layer ? Integer.compare(layer, o.layer) : Integer.compare(head, o.head);
        }

        @Override
        public String toString() { return "L" + layer + "H" + head; }
    }

    /** What removing a set did: next-token effect for a decoder, hidden-state change for an encoder. */
    public sealed interface Outcome permits HeadAblation.SetEffect, EncoderHeads.SetChange {
        HeadSet set();
    }

    public HeadSet {
        if (mode == null) {
            throw new IllegalArgumentException("an ablation needs a mode (zero or mean)");
        }
        if (mode == HeadAblation.Mode.MEAN && means == null) {
            throw new IllegalArgumentException("mean ablation needs the mean head outputs of a reference input");
        }
        heads = List.copyOf(new TreeSet<>(heads));
    }

    /** No head ablated. */
    public static HeadSet empty() {
        return new HeadSet(List.of(), HeadAblation.Mode.ZERO, null);
    }

    /** A set checked against {@code config}: every layer and head in range, the means shaped like the model's heads. */
    public static HeadSet of(ModelConfig config, HeadAblation.Mode mode, float[][][] means, List<Head> heads) {
        for (Head h : heads) {
            check(config, h);
        }
        if (means != null) {
            if (means.length != config.layers() || means[0].length != config.heads()
                    || means[0][0].length != config.headDim()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "mean head outputs are %d layers x %d heads x %d, the model has %d x %d x %d",
                        means.length, means[0].length, means[0][0].length, config.layers(), config.heads(),
                        config.headDim()));
            }
        }
        return new HeadSet(heads, mode, mode == HeadAblation.Mode.MEAN ? means : null);
    }

    /**
     * Parses "1.3,2.0" (layer.head, comma-separated) for {@code config}.
     *
     * @throws IllegalArgumentException naming the bad entry and the allowed range
     */
    public static HeadSet parse(String spec, ModelConfig config, HeadAblation.Mode mode, float[][][] means) {
        return of(config, mode, means, heads(spec));
    }

    /** The heads "1.3,2.0" names, checked for form only (ranges need the model: see {@link #parse}). */
    public static List<Head> heads(String spec) {
        List<Head> heads = new ArrayList<>();
        for (String p : Spec.items(spec)) {
            String[] lh = p.split("\\.");
            if (lh.length != 2) {
                throw new IllegalArgumentException("bad head '" + p + "': write LAYER.HEAD, e.g. 1.3");
            }
            heads.add(new Head(Spec.wholeNumber(p, "the layer", lh[0], 0, Integer.MAX_VALUE),
                    Spec.wholeNumber(p, "the head", lh[1], 0, Integer.MAX_VALUE)));
        }
        if (heads.isEmpty()) throw new IllegalArgumentException("no head given: write LAYER.HEAD,..., e.g. 1.3,2.0");
        return heads;
    }

    private static void check(ModelConfig c, Head h) {
        if (h.layer() < 0 || h.layer() >= c.layers()) {
            throw new IllegalArgumentException("layer " + h.layer() + " outside 0.." + (c.layers() - 1));
        }
        if (h.head() < 0 || h.head() >= c.heads()) {
            throw new IllegalArgumentException("head " + h.head() + " outside 0.." + (c.heads() - 1) + " in layer "
                    + h.layer());
        }
    }

    public boolean isEmpty() { return heads.isEmpty(); }

    public boolean contains(int layer, int head) { return heads.contains(new Head(layer, head)); }

    /** This set with (layer, head) added when absent, removed when present. */
    public HeadSet toggle(int layer, int head) {
        List<Head> next = new ArrayList<>(heads);
        Head h = new Head(layer, head);
        if (!next.remove(h)) {
            next.add(h);
        }
        return new HeadSet(next, mode, means);
    }

    /** The same heads under another mode ({@code means} required for MEAN). */
    public HeadSet withMode(HeadAblation.Mode m, float[][][] meanOutputs) {
        return new HeadSet(heads, m, m == HeadAblation.Mode.MEAN ? meanOutputs : null);
    }

    /** The lowest layer with an ablated head: layers below it see nothing of the ablation. */
    public int lowestLayer() {
        if (heads.isEmpty()) {
            throw new IllegalStateException("an empty head set has no lowest layer");
        }
        return heads.getFirst().layer();
    }

    /** "L1H3, L2H0" (empty when no head). */
    public String label() {
        return heads.stream().map(Head::toString).collect(Collectors.joining(", "));
    }

    /** "1.3,2.0", the form {@link #parse} reads. */
    public String spec() {
        return heads.stream().map(h -> h.layer() + "." + h.head()).collect(Collectors.joining(","));
    }

    /**
     * The intervention replacing every head of the set, on top of {@code base} (which decides for the other heads
     * and for layer skipping). Checks the set against {@code config}.
     */
    public Intervention intervention(ModelConfig config, Intervention base) {
        Intervention i = base;
        for (Head h : heads) {
            check(config, h);
            i = HeadAblation.replacing(h.layer(), h.head(),
                    HeadAblation.replacement(mode, means, h.layer(), h.head(), config.headDim()), i);
        }
        return i;
    }

    /** The intervention replacing every head of the set ({@link Intervention#NONE} when empty). */
    public Intervention intervention(ModelConfig config) {
        return intervention(config, Intervention.NONE);
    }
}
