package dev.glassbox.engine.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;
import dev.glassbox.engine.trace.Finite;

/**
 * An encoder-decoder transformer (Vaswani et al. 2017, sec. 3.1) with Llama-style blocks, as Glassbox's trainer
 * makes them: the source is encoded once (bidirectional self-attention with RoPE, SwiGLU MLP, final RMSNorm),
 * then the decoder runs token by token with a key/value cache for its causal self-attention and keys/values of
 * the encoder memory computed once per layer for its cross-attention. The token embedding is also the output
 * projection.
 *
 * <p>config.json ({@code model_type} {@value #MODEL_TYPE}): vocab_size, hidden_size, intermediate_size,
 * num_encoder_layers, num_decoder_layers, num_attention_heads, head_dim, max_source_positions,
 * max_target_positions, rms_norm_eps, rope_theta, decoder_start_token_id (the decoder's first input),
 * eos_token_id (ends sources and targets). Tensors: model.shared.weight; model.encoder.layers.N.{input_layernorm,
 * self_attn.{q,k,v,o}_proj, post_attention_layernorm, mlp.{gate,up,down}_proj}.weight; model.encoder.norm.weight;
 * model.decoder.layers.N.{input_layernorm, self_attn.*, cross_attn_layernorm, cross_attn.{q,k,v,o}_proj,
 * post_attention_layernorm, mlp.*}.weight; model.decoder.norm.weight.
 *
 * <p>Captured attention ({@link AttentionMap}, per head, query x key): {@code encoder.blocks.L.attn.pattern}
 * (source x source), {@code decoder.blocks.L.attn.pattern} (target x target, causal) and
 * {@code decoder.blocks.L.cross_attn.pattern} (target x source: the alignment map).
 *
 * <p>A {@link #trace traced} session also keeps the tensors between them, named as TransformerLens names its
 * encoder-decoder hooks (the decoder models' suffixes under an {@code encoder.} / {@code decoder.} prefix):
 * once per source, {@code encoder.ln_final} [S, dim] (the memory) and {@code decoder.blocks.L.cross_attn.k/v}
 * [S, qDim]; per decoder position, {@code decoder.embed}, {@code decoder.blocks.L.attn.out}, {@code .resid_mid},
 * {@code .cross_attn.q}, {@code .cross_attn.pattern} [heads, S], {@code .cross_attn.head_out}, {@code .cross_attn.out},
 * {@code .resid_mid_cross}, {@code .mlp.out}, {@code .resid_post}, then {@code decoder.ln_final} and
 * {@code decoder.logits}.
 */
public final class Seq2SeqModel implements LanguageModel {
    public static final String MODEL_TYPE = "glassbox-seq2seq";

    /** Pre-RMSNorm attention weights ([out, in] matrices). */
    public record Attention(float[] norm, Tensor wq, Tensor wk, Tensor wv, Tensor wo) {
    }

    /** Pre-RMSNorm SwiGLU weights. */
    public record Mlp(float[] norm, Tensor gate, Tensor up, Tensor down) {
    }

    public record EncoderLayer(Attention self, Mlp mlp) {
    }

    public record DecoderLayer(Attention self, Attention cross, Mlp mlp) {
    }

    public record Weights(Tensor embedding, EncoderLayer[] encoder, float[] encoderNorm, DecoderLayer[] decoder,
                          float[] decoderNorm) {
    }

    /**
     * The sizes beyond the decoder's {@link ModelConfig} (whose layers are the decoder layers and whose context
     * length is the longest decoder input).
     */
    public record Spec(int encoderLayers, int maxSource, int startToken, int eosToken) {
        public Spec {
            if (encoderLayers < 1 || encoderLayers > 1024) {
                throw new IllegalArgumentException("implausible encoder layer count: " + encoderLayers);
            }
            if (maxSource < 2 || maxSource > 1 << 22) {
                throw new IllegalArgumentException("implausible max source length: " + maxSource);
            }
        }
    }

    /** One attention map: [heads, queries, keys] probabilities. */
    public record AttentionMap(String hook, int heads, int queries, int keys, float[] values) {
        public AttentionMap {
            if (values.length != heads * queries * keys) {
                throw new IllegalArgumentException(hook + ": " + values.length + " values for " + heads + " x "
                        + queries + " x " + keys);
            }
        }

        /** Head {@code h} as rows [query][key]. */
        public float[][] head(int h) {
            float[][] m = new float[queries][];
            for (int q = 0; q < queries; q++) {
                m[q] = Arrays.copyOfRange(values, (h * queries + q) * keys, (h * queries + q + 1) * keys);
            }
            return m;
        }

        public float get(int h, int q, int k) { return values[(h * queries + q) * keys + k]; }
    }

    public static String encoderPattern(int layer) { return "encoder.blocks." + layer + ".attn.pattern"; }

    public static String decoderPattern(int layer) { return "decoder.blocks." + layer + ".attn.pattern"; }

    public static String crossPattern(int layer) { return "decoder.blocks." + layer + ".cross_attn.pattern"; }

    /** A decoder block's hook, e.g. {@code decoder.blocks.0.cross_attn.q} for ({@code 0}, {@code cross_attn.q}). */
    public static String decoderHook(int layer, String suffix) { return "decoder.blocks." + layer + "." + suffix; }

    /** A decoder hook outside the blocks: {@code embed}, {@code ln_final}, {@code logits}. */
    public static String decoderHook(String suffix) { return "decoder." + suffix; }

    /** The encoder's output after its final norm, [S, dim]: what every cross-attention reads. */
    public static final String MEMORY_HOOK = "encoder.ln_final";

    /** What a greedy decode produced; {@code patterns} is empty unless capture was asked for. */
    public record Decoded(int[] source, int[] output, Generation.StopReason stop, Map<String, AttentionMap> patterns) {
    }

    private final ModelConfig config;
    private final Spec spec;
    private final Weights weights;
    private final Rope rope;
    private final Parallel parallel;

    public Seq2SeqModel(ModelConfig config, Spec spec, Weights weights, Parallel parallel) {
        if (config.architecture() != Architecture.SEQ2SEQ) {
            throw new IllegalArgumentException("config is " + config.architecture() + ", not an encoder-decoder");
        }
        if (config.kvHeads() != config.heads()) {
            throw new IllegalArgumentException("grouped-query attention is not supported in the encoder-decoder");
        }
        if (weights.encoder().length != spec.encoderLayers() || weights.decoder().length != config.layers()) {
            throw new IllegalArgumentException("expected " + spec.encoderLayers() + " encoder and " + config.layers()
                    + " decoder layers, got " + weights.encoder().length + " and " + weights.decoder().length);
        }
        for (int t : new int[] {spec.startToken(), spec.eosToken()}) {
            if (t < 0 || t >= config.vocabSize()) {
                throw new IllegalArgumentException("special token id " + t + " outside the vocabulary of " + config.vocabSize());
            }
        }
        this.config = config;
        this.spec = spec;
        this.weights = weights;
        this.rope = Rope.of(config);
        this.parallel = parallel;
    }

    @Override
    public ModelConfig config() { return config; }

    public Spec spec() { return spec; }

    public Weights weights() { return weights; }

    public int encoderLayers() { return spec.encoderLayers(); }

    /** Every weight matrix under its config.json-layout tensor name, in model order. */
    @Override
    public Map<String, Tensor> matrices() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("model.shared.weight", weights.embedding());
        for (int l = 0; l < weights.encoder().length; l++) {
            String p = "model.encoder.layers." + l + ".";
            putAttention(m, p + "self_attn.", weights.encoder()[l].self());
            putMlp(m, p, weights.encoder()[l].mlp());
        }
        for (int l = 0; l < weights.decoder().length; l++) {
            String p = "model.decoder.layers." + l + ".";
            putAttention(m, p + "self_attn.", weights.decoder()[l].self());
            putAttention(m, p + "cross_attn.", weights.decoder()[l].cross());
            putMlp(m, p, weights.decoder()[l].mlp());
        }
        return m;
    }

    private static void putAttention(Map<String, Tensor> m, String p, Attention a) {
        m.put(p + "q_proj.weight", a.wq());
        m.put(p + "k_proj.weight", a.wk());
        m.put(p + "v_proj.weight", a.wv());
        m.put(p + "o_proj.weight", a.wo());
    }

    private static void putMlp(Map<String, Tensor> m, String p, Mlp f) {
        m.put(p + "mlp.gate_proj.weight", f.gate());
        m.put(p + "mlp.up_proj.weight", f.up());
        m.put(p + "mlp.down_proj.weight", f.down());
    }

    /** Every norm gain under its tensor name, in model order. */
    @Override
    public Map<String, float[]> vectors() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (int l = 0; l < weights.encoder().length; l++) {
            String p = "model.encoder.layers." + l + ".";
            m.put(p + "input_layernorm.weight", weights.encoder()[l].self().norm());
            m.put(p + "post_attention_layernorm.weight", weights.encoder()[l].mlp().norm());
        }
        m.put("model.encoder.norm.weight", weights.encoderNorm());
        for (int l = 0; l < weights.decoder().length; l++) {
            String p = "model.decoder.layers." + l + ".";
            m.put(p + "input_layernorm.weight", weights.decoder()[l].self().norm());
            m.put(p + "cross_attn_layernorm.weight", weights.decoder()[l].cross().norm());
            m.put(p + "post_attention_layernorm.weight", weights.decoder()[l].mlp().norm());
        }
        m.put("model.decoder.norm.weight", weights.decoderNorm());
        return m;
    }

    /** Encodes {@code source} (ids as the tokenizer gives them, end marker included) and opens a decoder session. */
    public Session start(int[] source, boolean capture) {
        checkSource(source);
        return new Session(source, capture, false);
    }

    private void checkSource(int[] source) {
        if (source.length == 0 || source.length > spec.maxSource()) {
            throw new IllegalArgumentException("the source has " + source.length + " tokens; this model takes 1 to "
                    + spec.maxSource());
        }
        for (int t : source) {
            if (t < 0 || t >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + t + " outside the vocabulary of " + config.vocabSize());
            }
        }
    }

    /**
     * {@link #start} with every attention map and every hook of the class comment kept ({@link Session#hooks}):
     * the same arithmetic, with copies of its intermediate values.
     */
    public Session trace(int[] source) {
        checkSource(source);
        return new Session(source, true, true);
    }

    /** Source ids for a text: the tokenizer's ids (BOS first) followed by the end marker, as the trainer lays them out. */
    public int[] sourceIds(int[] tokenized) {
        int[] out = Arrays.copyOf(tokenized, tokenized.length + 1);
        out[tokenized.length] = spec.eosToken();
        return out;
    }

    /**
     * Greedy decoding: feeds the start token, then each argmax, until the end marker, {@code maxNew} tokens, a
     * full cache or cancellation. {@code onToken} hears every output token as it is chosen.
     */
    public Decoded generate(int[] source, int maxNew, boolean capture, BooleanSupplier cancelled, IntConsumer onToken) {
        return generate(start(source, capture), maxNew, cancelled, onToken);
    }

    /** {@link #generate(int[], int, boolean, BooleanSupplier, IntConsumer)} in a session already started. */
    public Decoded generate(Session s, int maxNew, BooleanSupplier cancelled, IntConsumer onToken) {
        if (maxNew < 1) {
            throw new IllegalArgumentException("number of new tokens must be >= 1, got " + maxNew);
        }
        List<Integer> out = new ArrayList<>();
        int token = spec.startToken();
        Generation.StopReason stop = Generation.StopReason.STEPS;
        while (true) {
            if (cancelled.getAsBoolean()) {
                stop = Generation.StopReason.CANCELLED;
                break;
            }
            if (s.position() >= s.capacity()) {
                stop = Generation.StopReason.CONTEXT_FULL;
                break;
            }
            int next = Kernels.argmax(s.step(token));
            if (next == spec.eosToken()) {
                stop = Generation.StopReason.END_OF_SEQUENCE;
                break;
            }
            out.add(next);
            onToken.accept(next);
            if (out.size() >= maxNew) {
                break;
            }
            token = next;
        }
        int[] ids = out.stream().mapToInt(Integer::intValue).toArray();
        return new Decoded(s.source(), ids, stop, s.capture ? s.patterns() : Map.of());
    }

    /**
     * Softmax attention of one query over {@code count} cached keys, every head (Vaswani et al. 2017, eq. 1);
     * writes the mixed values to {@code out} and the probabilities to {@code probs[h * count + k]}.
     */
    private void attend(float[] q, float[] keys, float[] values, int count, float[] out, float[] probs) {
        int hd = config.headDim();
        int w = config.qDim();
        float scale = (float) (1.0 / Math.sqrt(hd));
        parallel.forRange(config.heads(), (from, to) -> {
            for (int h = from; h < to; h++) {
                int a = h * count;
                for (int t = 0; t < count; t++) {
                    probs[a + t] = Kernels.dot(q, h * hd, keys, t * w + h * hd, hd) * scale;
                }
                Kernels.softmax(probs, a, count);
                Arrays.fill(out, h * hd, (h + 1) * hd, 0f);
                for (int t = 0; t < count; t++) {
                    Kernels.axpy(out, h * hd, probs[a + t], values, t * w + h * hd, hd);
                }
            }
        });
    }

    /** x += down(silu(gate n) * up n), n = rmsnorm(x); returns what was added. */
    private float[] mlp(Mlp f, float[] x) {
        int dim = config.dim();
        float[] n = new float[dim];
        float[] g = new float[config.hiddenDim()];
        float[] u = new float[config.hiddenDim()];
        float[] y = new float[dim];
        Kernels.rmsnorm(n, x, f.norm(), dim, config.normEps());
        Kernels.matvec(f.gate(), n, g, parallel);
        Kernels.matvec(f.up(), n, u, parallel);
        Kernels.swiglu(g, u, config.hiddenDim());
        Kernels.matvec(f.down(), g, y, parallel);
        Kernels.add(x, y, dim);
        return y;
    }

    /** A source encoded once and a decoder advancing one token per {@link #step}. Not thread-safe. */
    public final class Session {
        private final int[] source;
        private final boolean capture;
        /** Keep every hook ({@link #trace}), not only the attention maps. */
        private final boolean hooks;
        private final Map<String, float[]> memoryHooks = new LinkedHashMap<>();
        private final List<Map<String, float[]>> stepHooks = new ArrayList<>();
        private final int capacity;
        private final float[][] keyCache;
        private final float[][] valueCache;
        private final float[][] crossKeys;
        private final float[][] crossValues;
        private final float[] logits;
        private final Map<String, AttentionMap> encoderMaps = new LinkedHashMap<>();
        private final List<List<float[]>> selfRows = new ArrayList<>();
        private final List<List<float[]>> crossRows = new ArrayList<>();
        private int pos;

        private Session(int[] source, boolean capture, boolean hooks) {
            this.source = source.clone();
            this.capture = capture;
            this.hooks = hooks;
            this.capacity = config.contextLength();
            int w = config.qDim();
            int layers = config.layers();
            keyCache = new float[layers][capacity * w];
            valueCache = new float[layers][capacity * w];
            crossKeys = new float[layers][];
            crossValues = new float[layers][];
            logits = new float[config.vocabSize()];
            for (int l = 0; l < layers; l++) {
                selfRows.add(new ArrayList<>());
                crossRows.add(new ArrayList<>());
            }
            encode();
        }

        private void encode() {
            int s = source.length;
            int dim = config.dim();
            int w = config.qDim();
            int hd = config.headDim();
            int heads = config.heads();
            float[][] x = new float[s][dim];
            for (int t = 0; t < s; t++) {
                weights.embedding().readRow(source[t], x[t], 0);
            }
            float[] n = new float[dim];
            float[] y = new float[dim];
            for (int l = 0; l < weights.encoder().length; l++) {
                Attention a = weights.encoder()[l].self();
                float[] q = new float[s * w];
                float[] k = new float[s * w];
                float[] v = new float[s * w];
                float[] qt = new float[w];
                float[] kt = new float[w];
                float[] vt = new float[w];
                for (int t = 0; t < s; t++) {
                    Kernels.rmsnorm(n, x[t], a.norm(), dim, config.normEps());
                    Kernels.matvec(a.wq(), n, qt, parallel);
                    Kernels.matvec(a.wk(), n, kt, parallel);
                    Kernels.matvec(a.wv(), n, vt, parallel);
                    rope.apply(qt, 0, heads, hd, t);
                    rope.apply(kt, 0, heads, hd, t);
                    System.arraycopy(qt, 0, q, t * w, w);
                    System.arraycopy(kt, 0, k, t * w, w);
                    System.arraycopy(vt, 0, v, t * w, w);
                }
                float[] pattern = capture ? new float[heads * s * s] : null;
                float[] probs = new float[heads * s];
                float[][] mixed = new float[s][w];
                for (int t = 0; t < s; t++) {
                    System.arraycopy(q, t * w, qt, 0, w);
                    attend(qt, k, v, s, mixed[t], probs);
                    if (capture) {
                        for (int h = 0; h < heads; h++) {
                            System.arraycopy(probs, h * s, pattern, (h * s + t) * s, s);
                        }
                    }
                }
                for (int t = 0; t < s; t++) {
                    Kernels.matvec(a.wo(), mixed[t], y, parallel);
                    Kernels.add(x[t], y, dim);
                    mlp(weights.encoder()[l].mlp(), x[t]);
                }
                if (capture) {
                    encoderMaps.put(encoderPattern(l), new AttentionMap(encoderPattern(l), heads, s, s, pattern));
                }
            }
            // the memory: final encoder norm, then each decoder layer's cross-attention keys and values, once
            for (int l = 0; l < config.layers(); l++) {
                crossKeys[l] = new float[s * w];
                crossValues[l] = new float[s * w];
            }
            float[] kt = new float[w];
            float[] vt = new float[w];
            float[] memory = hooks ? new float[s * dim] : null;
            for (int t = 0; t < s; t++) {
                Kernels.rmsnorm(n, x[t], weights.encoderNorm(), dim, config.normEps());
                if (hooks) {
                    System.arraycopy(n, 0, memory, t * dim, dim);
                }
                for (int l = 0; l < config.layers(); l++) {
                    Attention c = weights.decoder()[l].cross();
                    Kernels.matvec(c.wk(), n, kt, parallel);
                    Kernels.matvec(c.wv(), n, vt, parallel);
                    System.arraycopy(kt, 0, crossKeys[l], t * w, w);
                    System.arraycopy(vt, 0, crossValues[l], t * w, w);
                }
            }
            if (hooks) {
                memoryHooks.put(MEMORY_HOOK, Finite.check(memory, MEMORY_HOOK));
                for (int l = 0; l < config.layers(); l++) {
                    String k = decoderHook(l, "cross_attn.k");
                    String v = decoderHook(l, "cross_attn.v");
                    memoryHooks.put(k, Finite.check(crossKeys[l].clone(), k));
                    memoryHooks.put(v, Finite.check(crossValues[l].clone(), v));
                }
            }
        }

        /** Decoder positions filled so far. */
        public int position() { return pos; }

        /** Longest decoder input (max_target_positions). */
        public int capacity() { return capacity; }

        public int[] source() { return source.clone(); }

        /** Forwards decoder input {@code token} at the next position; returns the next-token logits (reused array). */
        public float[] step(int token) {
            if (token < 0 || token >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " outside the vocabulary of " + config.vocabSize());
            }
            if (pos >= capacity) {
                throw new IllegalArgumentException("the decoder holds " + capacity + " positions; all are used");
            }
            int dim = config.dim();
            int w = config.qDim();
            int hd = config.headDim();
            int heads = config.heads();
            int s = source.length;
            float[] x = new float[dim];
            weights.embedding().readRow(token, x, 0);
            Map<String, float[]> kept = new LinkedHashMap<>();
            keep(kept, decoderHook("embed"), x);
            float[] n = new float[dim];
            float[] q = new float[w];
            float[] k = new float[w];
            float[] v = new float[w];
            float[] mixed = new float[w];
            float[] y = new float[dim];
            for (int l = 0; l < config.layers(); l++) {
                DecoderLayer layer = weights.decoder()[l];
                Attention a = layer.self();
                Kernels.rmsnorm(n, x, a.norm(), dim, config.normEps());
                Kernels.matvec(a.wq(), n, q, parallel);
                Kernels.matvec(a.wk(), n, k, parallel);
                Kernels.matvec(a.wv(), n, v, parallel);
                rope.apply(q, 0, heads, hd, pos);
                rope.apply(k, 0, heads, hd, pos);
                System.arraycopy(k, 0, keyCache[l], pos * w, w);
                System.arraycopy(v, 0, valueCache[l], pos * w, w);
                float[] selfProbs = new float[heads * (pos + 1)];
                attend(q, keyCache[l], valueCache[l], pos + 1, mixed, selfProbs);
                Kernels.matvec(a.wo(), mixed, y, parallel);
                Kernels.add(x, y, dim);
                keep(kept, decoderHook(l, "attn.out"), y);
                keep(kept, decoderHook(l, "resid_mid"), x);

                Attention c = layer.cross();
                Kernels.rmsnorm(n, x, c.norm(), dim, config.normEps());
                Kernels.matvec(c.wq(), n, q, parallel);
                float[] crossProbs = new float[heads * s];
                attend(q, crossKeys[l], crossValues[l], s, mixed, crossProbs);
                Kernels.matvec(c.wo(), mixed, y, parallel);
                Kernels.add(x, y, dim);
                keep(kept, decoderHook(l, "cross_attn.q"), q);
                keep(kept, decoderHook(l, "cross_attn.pattern"), crossProbs);
                keep(kept, decoderHook(l, "cross_attn.head_out"), mixed);
                keep(kept, decoderHook(l, "cross_attn.out"), y);
                keep(kept, decoderHook(l, "resid_mid_cross"), x);

                float[] down = mlp(layer.mlp(), x);
                keep(kept, decoderHook(l, "mlp.out"), down);
                keep(kept, decoderHook(l, "resid_post"), x);
                if (capture) {
                    selfRows.get(l).add(selfProbs);
                    crossRows.get(l).add(crossProbs);
                }
            }
            Kernels.rmsnorm(n, x, weights.decoderNorm(), dim, config.normEps());
            Kernels.matvec(weights.embedding(), n, logits, parallel);
            keep(kept, decoderHook("ln_final"), n);
            keep(kept, decoderHook("logits"), logits);
            if (hooks) {
                stepHooks.add(Map.copyOf(kept));
            }
            pos++;
            return logits;
        }

        /** Copies a hook's values when tracing; like every captured hook, a NaN stops here naming its place. */
        private void keep(Map<String, float[]> kept, String name, float[] values) {
            if (hooks) {
                kept.put(name, Finite.check(values.clone(), name, pos));
            }
        }

        /**
         * The hooks of a {@link #trace traced} session (empty otherwise): those of decoder position {@code step}, and
         * the source's ({@link #MEMORY_HOOK}, cross-attention keys and values), which every position shares.
         */
        public Map<String, float[]> hooks(int step) {
            if (!hooks) {
                return Map.of();
            }
            Map<String, float[]> out = new LinkedHashMap<>(memoryHooks);
            out.putAll(stepHooks.get(step));
            out.replaceAll((name, values) -> values.clone());
            return out;
        }

        /**
         * Every captured map so far: encoder self-attention [heads, S, S], decoder self-attention [heads, T, T]
         * (zero above the diagonal) and cross-attention [heads, T, S], T = decoder positions run.
         */
        public Map<String, AttentionMap> patterns() {
            Map<String, AttentionMap> out = new LinkedHashMap<>(encoderMaps);
            int heads = config.heads();
            int s = source.length;
            for (int l = 0; l < config.layers(); l++) {
                List<float[]> self = selfRows.get(l);
                List<float[]> cross = crossRows.get(l);
                int t = self.size();
                float[] sv = new float[heads * t * t];
                float[] cv = new float[heads * t * s];
                for (int i = 0; i < t; i++) {
                    for (int h = 0; h < heads; h++) {
                        System.arraycopy(self.get(i), h * (i + 1), sv, (h * t + i) * t, i + 1);
                        System.arraycopy(cross.get(i), h * s, cv, (h * t + i) * s, s);
                    }
                }
                out.put(decoderPattern(l), new AttentionMap(decoderPattern(l), heads, t, t, sv));
                out.put(crossPattern(l), new AttentionMap(crossPattern(l), heads, t, s, cv));
            }
            return out;
        }
    }
}
