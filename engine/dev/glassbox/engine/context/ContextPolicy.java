package dev.glassbox.engine.context;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.glassbox.engine.spec.Spec;

/**
 * How a decoder's attention reaches back: which cached positions a query sees, how the cache is kept, and
 * which rotary positions are used. One closed family; each member cites the method it implements.
 */
public sealed interface ContextPolicy {

    /** A short label such as {@code sliding:W=128}. */
    String label();

    ContextMemory newMemory(int layers);

    /**
     * A policy whose memory holds the same positions with parameter-free arithmetic (what coverage, cost and the
     * trainer's mask read): itself, except for a learned compression, which is laid out as mean pooling.
     */
    default ContextPolicy layout() {
        return this;
    }

    /** The rope for a sequence currently {@code length} long (scaling methods change it; others keep the model's). */
    default RopeChoice rope() {
        return RopeChoice.MODEL;
    }

    /**
     * Parses {@code name[:key=value,...]} in the {@link Spec} grammar, e.g. {@code streaming:sinks=4,W=124} or
     * {@code yarn:s=4}; every value is range-checked here, so a bad one is reported with the spec it came from.
     */
    static ContextPolicy parse(String spec, int trainedLength) {
        Spec p = Spec.parse(spec);
        int big = Integer.MAX_VALUE;
        String name = p.name();
        ContextPolicy policy = switch (name) {
            case "full", "naive" -> new Full();
            case "sliding", "window" -> new SlidingWindow(p.integer("W", 128, 1, big));
            case "longformer" -> new Longformer(p.integer("w", 64, 1, big), p.integer("dilation", 1, 1, big),
                    new TreeSet<>(p.integers("global", 0, big)));
            case "xl", "transformer-xl" -> new TransformerXl(p.integer("segment", 128, 1, big), p.integer("memory", 128, 0, big));
            case "compressive" -> new Compressive(p.integer("memory", 64, 1, big), p.integer("compressed", 32, 0, big),
                    p.integer("rate", 4, 1, big), Compressive.Pool.parse(p));
            case "streaming", "streamingllm" -> new StreamingLlm(p.integer("sinks", 4, 0, big), p.integer("W", 124, 1, big));
            case "rosa" -> new Rosa(p.integer("B", 16, 2, big));
            case "pi", "ntk", "dynamic-ntk", "yarn" -> new RopeScaled(switch (name) {
                case "pi" -> RopeScaling.PI;
                case "ntk" -> RopeScaling.NTK;
                case "dynamic-ntk" -> RopeScaling.DYNAMIC_NTK;
                default -> RopeScaling.yarn(p.text("ramp", "hf"), spec);
            }, p.number("s", 4, 1, Double.MAX_VALUE), p.integer("original", trainedLength, 1, big));
            case "self-extend", "selfextend" -> new SelfExtend(p.integer("G", 4, 1, big), p.integer("w", 128, 1, big));
            default -> throw p.error("unknown context method '" + name
                    + "'; known: full, sliding, longformer, xl, compressive, streaming, rosa, pi, ntk, dynamic-ntk, yarn, self-extend");
        };
        p.checkAllUsed();
        return policy;
    }

    /** Which rope the runner uses. */
    sealed interface RopeChoice {
        RopeChoice MODEL = new Model();

        record Model() implements RopeChoice { }

        record Scaled(RopeScaling scaling, double factor, int original) implements RopeChoice { }
    }

    // ---------------------------------------------------------------------------------------------

    /** Full causal attention (Vaswani et al. 2017); past the trained length this is naive extrapolation. */
    record Full() implements ContextPolicy {
        public String label() { return "full"; }

        public ContextMemory newMemory(int layers) { return new KeepAll(layers, (pos, m, layer, v) -> m.addRange(layer, 0, pos, v)); }
    }

    /** Sliding window (Beltagy et al. 2020; Mistral, Jiang et al. 2023): the last W keys, rolling cache of W. */
    record SlidingWindow(int window) implements ContextPolicy {
        public SlidingWindow {
            positive(window, "window W");
        }

        public String label() { return "sliding:W=" + window; }

        public ContextMemory newMemory(int layers) { return new Rolling(layers, 0, window, false); }
    }

    /**
     * Longformer (Beltagy et al. 2020, sec. 3.1), causal: w window keys with dilation d (pos, pos-d, ...),
     * plus global tokens that attend to and are attended by every position (before them, being causal).
     */
    record Longformer(int window, int dilation, Set<Integer> globals) implements ContextPolicy {
        public Longformer {
            positive(window, "window w");
            positive(dilation, "dilation");
            globals = Set.copyOf(new TreeSet<>(globals));
        }

        public String label() { return "longformer:w=" + window + ",dilation=" + dilation + (globals.isEmpty() ? ""
                : ",global=" + globals.stream().sorted().map(String::valueOf).collect(java.util.stream.Collectors.joining(";", "[", "]"))); }

        public ContextMemory newMemory(int layers) {
            return new KeepAll(layers, (pos, m, layer, v) -> {
                if (globals.contains(pos)) {
                    m.addRange(layer, 0, pos, v); // a global query sees everything before it
                    return;
                }
                TreeSet<Integer> keys = new TreeSet<>();
                for (int j = 0; j < window && pos - (long) j * dilation >= 0; j++) keys.add(pos - j * dilation);
                for (int g : globals) if (g <= pos) keys.add(g); // every query sees the global tokens
                for (int k : keys) m.add(layer, k, v);
            });
        }
    }

    /**
     * Transformer-XL segment recurrence (Dai et al. 2019, eq. in sec. 3.2): a query in a segment sees its segment
     * so far plus the cached states of the previous {@code memory} positions; the cache of layer n-1 feeds layer n,
     * so the reach grows by one segment per layer.
     */
    record TransformerXl(int segment, int memory) implements ContextPolicy {
        public TransformerXl {
            positive(segment, "segment length");
            if (memory < 0) throw new IllegalArgumentException("memory length must be >= 0, got " + memory);
        }

        public String label() { return "xl:segment=" + segment + ",memory=" + memory; }

        public ContextMemory newMemory(int layers) {
            // the cache holds the memory plus the current segment so far (older states are dropped)
            return new KeepAll(layers, (pos, m, layer, v) -> {
                int start = pos / segment * segment;
                m.addRange(layer, Math.max(0, start - memory), pos, v);
            }, pos -> pos - pos / segment * segment + 1 + memory);
        }
    }

    /**
     * Compressive Transformer (Rae et al. 2020, sec. 3): a FIFO memory of {@code memory} recent positions; what
     * falls out is compressed {@code rate}:1 into a compressed memory of {@code compressed} slots (oldest dropped).
     * Compression functions are the paper's parameter-free ones usable on a pretrained model, plus CONV, the
     * paper's learned 1D convolution, which needs the weights a Glassbox-trained model carries ({@link LearnedCompression}).
     */
    record Compressive(int memory, int compressed, int rate, Pool pool) implements ContextPolicy {
        public enum Pool {
            MEAN, MAX, MOST_USED, CONV;

            static Pool parse(Spec p) {
                String fn = p.text("fn", "mean");
                for (Pool x : values()) if (x.name().equalsIgnoreCase(fn.replace('-', '_'))) return x;
                throw p.error("fn must be mean, max, most-used or conv, got '" + fn + "'");
            }
        }

        public Compressive {
            positive(memory, "memory");
            if (compressed < 0) throw new IllegalArgumentException("compressed memory must be >= 0, got " + compressed);
            positive(rate, "compression rate");
        }

        public String label() { return "compressive:memory=" + memory + ",compressed=" + compressed + ",rate=" + rate + ",fn=" + pool.name().toLowerCase(Locale.ROOT).replace('_', '-'); }

        public ContextMemory newMemory(int layers) {
            if (pool == Pool.CONV) {
                throw new IllegalArgumentException("compressive fn=conv uses the compression convolution a model learned in "
                        + "training (tensors model.layers.N.glassbox_compress.k_conv/v_conv.weight); this model has none "
                        + "(train one with train --context compressive:...,fn=conv) - use fn=mean, max or most-used");
            }
            return new CompressiveMemory(layers, this, null);
        }

        public ContextPolicy layout() {
            return pool == Pool.CONV ? new Compressive(memory, compressed, rate, Pool.MEAN) : this;
        }

        /** The memory of fn=conv, compressing with {@code learned}. */
        public ContextMemory newMemory(int layers, LearnedCompression learned) {
            if (pool != Pool.CONV || learned == null) return newMemory(layers);
            if (learned.rate() != rate || learned.key().length != layers) {
                throw new IllegalArgumentException("the model's compression convolution has rate " + learned.rate()
                        + " over " + learned.key().length + " layers; " + label() + " on " + layers + " layers needs rate " + rate);
            }
            return new CompressiveMemory(layers, this, learned);
        }
    }

    /**
     * StreamingLLM (Xiao et al. 2024, sec. 3.2): keep the first {@code sinks} tokens (attention sinks) and the most
     * recent {@code window}; rotary positions are assigned by place in the cache, not in the text. As in the reference
     * code (mit-han-lab/streaming-llm, StartRecentKVCache with start_size = sinks, recent_size = W), the cache holds
     * sinks + W earlier tokens and the query adds its own key, so a query sees sinks + W + 1 keys (4 + 60 + 1 = 65).
     */
    record StreamingLlm(int sinks, int window) implements ContextPolicy {
        public StreamingLlm {
            if (sinks < 0) throw new IllegalArgumentException("sinks must be >= 0, got " + sinks);
            positive(window, "window W");
        }

        public String label() { return "streaming:sinks=" + sinks + ",W=" + window; }

        public ContextMemory newMemory(int layers) { return new Rolling(layers, sinks, window + 1, true); }
    }

    /**
     * ROSA recursive chunked attention (ROOTS design notes): blocks of B attend locally; a query also attends to
     * mean-pooled summaries of completed earlier blocks, level by level (blocks of B, of B^2, ...), so a query
     * sees O(B log_B n) slots. Only completed blocks are summarised, so nothing leaks from the future.
     */
    record Rosa(int block) implements ContextPolicy {
        public Rosa {
            if (block < 2) throw new IllegalArgumentException("ROSA block size must be >= 2, got " + block);
        }

        public String label() { return "rosa:B=" + block; }

        public ContextMemory newMemory(int layers) { return new RosaMemory(layers, block); }
    }

    /** Full attention with training-free RoPE scaling (see {@link RopeScaling}). */
    record RopeScaled(RopeScaling scaling, double factor, int original) implements ContextPolicy {
        public RopeScaled {
            if (!(factor >= 1)) throw new IllegalArgumentException("scale factor s must be >= 1, got " + factor);
            positive(original, "original length");
        }

        public String label() { return scaling.label(trim(factor)); }

        public RopeChoice rope() { return new RopeChoice.Scaled(scaling, factor, original); }

        public ContextMemory newMemory(int layers) {
            boolean dynamic = scaling == RopeScaling.DYNAMIC_NTK;
            return new KeepAll(layers, (pos, m, layer, v) -> {
                if (dynamic) {
                    m.addRangeRaw(layer, 0, pos, v); // frequencies change with length: rotate at attention time
                } else {
                    m.addRange(layer, 0, pos, v);
                }
            });
        }
    }

    /**
     * Self-Extend (Jin et al. 2024, eq. 3-4): keys within {@code neighbor} of the query keep exact relative
     * positions; farther keys use grouped positions floor(p / G), shifted so the two regimes meet at the window.
     */
    record SelfExtend(int group, int neighbor) implements ContextPolicy {
        public SelfExtend {
            positive(group, "group size G");
            positive(neighbor, "neighbour window w");
        }

        public String label() { return "self-extend:G=" + group + ",w=" + neighbor; }

        public ContextMemory newMemory(int layers) {
            return new KeepAll(layers, (pos, m, layer, v) -> {
                int qGroup = pos / group + neighbor - neighbor / group;
                for (int k = 0; k <= pos; k++) {
                    float keyPos = pos - k < neighbor ? k : pos - (qGroup - k / group);
                    m.addRaw(layer, k, keyPos, v);
                }
            });
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static void positive(int v, String what) {
        if (v <= 0) throw new IllegalArgumentException(what + " must be > 0, got " + v);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    // ---------------------------------------------------------------------------------------------
    // Memories

    /** Keeps every position; a selector decides what the query sees. */
    final class KeepAll extends ContextMemory {
        interface Selector {
            void select(int pos, KeepAll memory, int layer, Visible v);
        }

        private final List<List<float[][]>> rows; // per layer: [raw, rotated, value] per position
        private final Selector selector;
        private final java.util.function.IntUnaryOperator held;

        KeepAll(int layers, Selector selector) {
            this(layers, selector, pos -> pos + 1);
        }

        /** {@code held}: entries a cache that drops what no later query reads holds after position pos. */
        KeepAll(int layers, Selector selector, java.util.function.IntUnaryOperator held) {
            super(layers);
            this.selector = selector;
            this.held = held;
            this.rows = new ArrayList<>();
            for (int l = 0; l < layers; l++) rows.add(new ArrayList<>());
        }

        public void append(int layer, int pos, float[] keyRaw, float[] keyRotated, float[] value) {
            rows.get(layer).add(new float[][] {keyRaw, keyRotated, value});
        }

        public void visible(int layer, int pos, Visible v) {
            v.clear(pos);
            selector.select(pos, this, layer, v);
        }

        public int entries(int layer) {
            int n = rows.get(layer).size();
            return n == 0 ? 0 : Math.min(n, held.applyAsInt(n - 1));
        }

        void add(int layer, int k, Visible v) {
            float[][] r = rows.get(layer).get(k);
            v.add(r[1], r[2], Float.NaN, k, k);
        }

        void addRange(int layer, int from, int to, Visible v) {
            List<float[][]> l = rows.get(layer);
            for (int k = from; k <= to; k++) {
                float[][] r = l.get(k);
                v.add(r[1], r[2], Float.NaN, k, k);
            }
        }

        void addRaw(int layer, int k, float keyPos, Visible v) {
            float[][] r = rows.get(layer).get(k);
            v.add(r[0], r[2], keyPos, k, k);
        }

        void addRangeRaw(int layer, int from, int to, Visible v) {
            for (int k = from; k <= to; k++) addRaw(layer, k, k, v);
        }
    }

    /** Sinks plus a rolling window; with {@code cachePositions} the rope positions are places in the cache. */
    final class Rolling extends ContextMemory {
        private final int sinks;
        private final int window;
        private final boolean cachePositions;
        private final List<List<float[][]>> sinkRows = new ArrayList<>();
        private final List<Deque<float[][]>> recent = new ArrayList<>();
        private final List<Deque<Integer>> recentPos = new ArrayList<>();

        Rolling(int layers, int sinks, int window, boolean cachePositions) {
            super(layers);
            this.sinks = sinks;
            this.window = window;
            this.cachePositions = cachePositions;
            for (int l = 0; l < layers; l++) {
                sinkRows.add(new ArrayList<>());
                recent.add(new ArrayDeque<>());
                recentPos.add(new ArrayDeque<>());
            }
        }

        public void append(int layer, int pos, float[] keyRaw, float[] keyRotated, float[] value) {
            float[][] r = {keyRaw, keyRotated, value};
            if (sinkRows.get(layer).size() < sinks) {
                sinkRows.get(layer).add(r);
                return;
            }
            Deque<float[][]> q = recent.get(layer);
            q.addLast(r);
            recentPos.get(layer).addLast(pos);
            if (q.size() > window) {
                q.removeFirst();
                recentPos.get(layer).removeFirst();
            }
        }

        public void visible(int layer, int pos, Visible v) {
            List<float[][]> s = sinkRows.get(layer);
            int slot = 0;
            int total = s.size() + recent.get(layer).size();
            v.clear(cachePositions ? total - 1 : pos);
            for (int i = 0; i < s.size(); i++, slot++) {
                add(v, s.get(i), i, slot);
            }
            var it = recentPos.get(layer).iterator();
            for (float[][] r : recent.get(layer)) {
                add(v, r, it.next(), slot++);
            }
        }

        private void add(Visible v, float[][] r, int source, int slot) {
            if (cachePositions) {
                v.add(r[0], r[2], slot, source, source);
            } else {
                v.add(r[1], r[2], Float.NaN, source, source);
            }
        }

        public int entries(int layer) { return sinkRows.get(layer).size() + recent.get(layer).size(); }
    }

    /** FIFO memory plus compressed slots (pooled rotated keys and values over {@code rate} evicted positions). */
    final class CompressiveMemory extends ContextMemory {
        private final Compressive p;
        private final LearnedCompression learned;
        private final List<Deque<float[][]>> fifo = new ArrayList<>();
        private final List<Deque<Integer>> fifoPos = new ArrayList<>();
        private final List<List<float[][]>> pending = new ArrayList<>();
        private final List<List<Integer>> pendingPos = new ArrayList<>();
        private final List<Deque<float[][]>> comp = new ArrayList<>();
        private final List<Deque<int[]>> compRange = new ArrayList<>();
        /** attention received by each position while in the FIFO, for MOST_USED (fed by the runner). */
        private final Map<Long, Double> use = new java.util.HashMap<>();

        CompressiveMemory(int layers, Compressive p, LearnedCompression learned) {
            super(layers);
            this.p = p;
            this.learned = learned;
            for (int l = 0; l < layers; l++) {
                fifo.add(new ArrayDeque<>());
                fifoPos.add(new ArrayDeque<>());
                pending.add(new ArrayList<>());
                pendingPos.add(new ArrayList<>());
                comp.add(new ArrayDeque<>());
                compRange.add(new ArrayDeque<>());
            }
        }

        public void append(int layer, int pos, float[] keyRaw, float[] keyRotated, float[] value) {
            fifo.get(layer).addLast(new float[][] {keyRaw, keyRotated, value});
            fifoPos.get(layer).addLast(pos);
            if (fifo.get(layer).size() > p.memory()) {
                pending.get(layer).add(fifo.get(layer).removeFirst());
                pendingPos.get(layer).add(fifoPos.get(layer).removeFirst());
                if (pending.get(layer).size() == p.rate()) {
                    compress(layer);
                }
            }
        }

        private void compress(int layer) {
            List<float[][]> rows = pending.get(layer);
            List<Integer> pos = pendingPos.get(layer);
            int n = rows.getFirst()[1].length;
            float[] k = new float[n];
            float[] val = new float[n];
            switch (p.pool()) {
                case MEAN -> {
                    for (float[][] r : rows) {
                        for (int i = 0; i < n; i++) {
                            k[i] += r[1][i] / rows.size();
                            val[i] += r[2][i] / rows.size();
                        }
                    }
                }
                case MAX -> {
                    Arrays.fill(k, Float.NEGATIVE_INFINITY);
                    Arrays.fill(val, Float.NEGATIVE_INFINITY);
                    for (float[][] r : rows) {
                        for (int i = 0; i < n; i++) {
                            k[i] = Math.max(k[i], r[1][i]);
                            val[i] = Math.max(val[i], r[2][i]);
                        }
                    }
                }
                case MOST_USED -> {
                    int best = 0;
                    double bestUse = -1;
                    for (int i = 0; i < rows.size(); i++) {
                        double u = use.getOrDefault(key(layer, pos.get(i)), 0.0);
                        if (u > bestUse) {
                            bestUse = u;
                            best = i;
                        }
                    }
                    System.arraycopy(rows.get(best)[1], 0, k, 0, n);
                    System.arraycopy(rows.get(best)[2], 0, val, 0, n);
                }
                case CONV -> {
                    float[] ks = new float[rows.size() * n];
                    float[] vs = new float[rows.size() * n];
                    for (int i = 0; i < rows.size(); i++) {
                        System.arraycopy(rows.get(i)[1], 0, ks, i * n, n);
                        System.arraycopy(rows.get(i)[2], 0, vs, i * n, n);
                    }
                    LearnedCompression.convolve(learned.key()[layer], ks, 0, k, 0, n, p.rate());
                    LearnedCompression.convolve(learned.value()[layer], vs, 0, val, 0, n, p.rate());
                }
            }
            if (p.compressed() > 0) {
                comp.get(layer).addLast(new float[][] {null, k, val});
                compRange.get(layer).addLast(new int[] {pos.getFirst(), pos.getLast()});
                if (comp.get(layer).size() > p.compressed()) {
                    comp.get(layer).removeFirst();
                    compRange.get(layer).removeFirst();
                }
            }
            for (int q : pos) use.remove(key(layer, q));
            rows.clear();
            pos.clear();
        }

        private static long key(int layer, int pos) {
            return ((long) layer << 32) | pos;
        }

        /** Called by the runner with the attention mass a FIFO position received (MOST_USED bookkeeping). */
        void used(int layer, int pos, double mass) {
            if (p.pool() == Compressive.Pool.MOST_USED) use.merge(key(layer, pos), mass, Double::sum);
        }

        public void visible(int layer, int pos, Visible v) {
            v.clear(pos);
            var ranges = compRange.get(layer).iterator();
            for (float[][] r : comp.get(layer)) {
                int[] range = ranges.next();
                v.add(r[1], r[2], Float.NaN, range[0], range[1]);
            }
            // evicted positions waiting to be compressed are still readable (the paper compresses a whole segment at once)
            List<Integer> pp = pendingPos.get(layer);
            for (int i = 0; i < pp.size(); i++) {
                float[][] r = pending.get(layer).get(i);
                v.add(r[1], r[2], Float.NaN, pp.get(i), pp.get(i));
            }
            var it = fifoPos.get(layer).iterator();
            for (float[][] r : fifo.get(layer)) {
                int s = it.next();
                v.add(r[1], r[2], Float.NaN, s, s);
            }
        }

        public int entries(int layer) {
            return fifo.get(layer).size() + pending.get(layer).size() + comp.get(layer).size();
        }

        /** Compressed slots currently held in {@code layer}. */
        public int compressedSlots(int layer) { return comp.get(layer).size(); }
    }

    /** ROSA: prefix sums of rotated keys and values give any completed block's mean in O(kvDim). */
    final class RosaMemory extends ContextMemory {
        private final int block;
        private final List<List<float[][]>> rows = new ArrayList<>();
        private final List<List<double[][]>> prefix = new ArrayList<>(); // [keySum, valueSum] after each position

        RosaMemory(int layers, int block) {
            super(layers);
            this.block = block;
            for (int l = 0; l < layers; l++) {
                rows.add(new ArrayList<>());
                prefix.add(new ArrayList<>());
            }
        }

        public void append(int layer, int pos, float[] keyRaw, float[] keyRotated, float[] value) {
            rows.get(layer).add(new float[][] {keyRaw, keyRotated, value});
            List<double[][]> pre = prefix.get(layer);
            int n = keyRotated.length;
            double[] ks = new double[n];
            double[] vs = new double[n];
            if (!pre.isEmpty()) {
                System.arraycopy(pre.getLast()[0], 0, ks, 0, n);
                System.arraycopy(pre.getLast()[1], 0, vs, 0, n);
            }
            for (int i = 0; i < n; i++) {
                ks[i] += keyRotated[i];
                vs[i] += value[i];
            }
            pre.add(new double[][] {ks, vs});
        }

        public void visible(int layer, int pos, Visible v) {
            v.clear(pos);
            long size = block;        // span of one unit at the current level
            long unitStart = pos / block * block;
            // level 0: the query's own block, token by token
            for (int k = (int) unitStart; k <= pos; k++) {
                float[][] r = rows.get(layer).get(k);
                v.add(r[1], r[2], Float.NaN, k, k);
            }
            // level L >= 1: completed sibling units of span `size` inside the enclosing unit of span size * B
            while (unitStart > 0) {
                long parentStart = unitStart / (size * block) * (size * block);
                for (long s = parentStart; s < unitStart; s += size) {
                    addMean(layer, (int) s, (int) (s + size - 1), v);
                }
                unitStart = parentStart;
                size *= block;
            }
        }

        private void addMean(int layer, int from, int to, Visible v) {
            List<double[][]> pre = prefix.get(layer);
            double[][] hi = pre.get(to);
            double[][] lo = from == 0 ? null : pre.get(from - 1);
            int n = hi[0].length;
            int count = to - from + 1;
            float[] k = new float[n];
            float[] val = new float[n];
            for (int i = 0; i < n; i++) {
                k[i] = (float) ((hi[0][i] - (lo == null ? 0 : lo[0][i])) / count);
                val[i] = (float) ((hi[1][i] - (lo == null ? 0 : lo[1][i])) / count);
            }
            v.add(k, val, Float.NaN, from, to);
        }

        public int entries(int layer) { return rows.get(layer).size(); }
    }
}
