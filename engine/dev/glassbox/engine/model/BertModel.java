package dev.glassbox.engine.model;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookPoint;

/**
 * BERT encoder (Devlin et al. 2019): word + position + token-type embeddings, LayerNorm, then post-LN blocks
 * (attention, add, LayerNorm, GELU MLP, add, LayerNorm). Matrices are [out, in] as nn.Linear stores them.
 */
public final class BertModel implements EncoderModel {

    public record Layer(Tensor wq, float[] bq, Tensor wk, float[] bk, Tensor wv, float[] bv,
                        Tensor wo, float[] bo, float[] attnLnGamma, float[] attnLnBeta,
                        Tensor wIn, float[] bIn, Tensor wOut, float[] bOut, float[] outLnGamma, float[] outLnBeta) {
    }

    /** @param poolerW may be null (pooler absent) */
    public record Weights(Tensor wordEmbeddings, Tensor positionEmbeddings, Tensor tokenTypeEmbeddings,
                          float[] embLnGamma, float[] embLnBeta, Layer[] layers, Tensor poolerW, float[] poolerB) {
    }

    private final ModelConfig config;
    private final Weights weights;
    private final SentencePooling pooling;
    private final Parallel parallel;

    /** A BERT whose sentence embedding is the mean over positions. */
    public BertModel(ModelConfig config, Weights weights, Parallel parallel) {
        this(config, weights, SentencePooling.MEAN, parallel);
    }

    public BertModel(ModelConfig config, Weights weights, SentencePooling pooling, Parallel parallel) {
        this.config = config;
        this.weights = weights;
        this.pooling = java.util.Objects.requireNonNull(pooling, "pooling");
        this.parallel = parallel;
        validate();
    }

    /** The same model (weights shared, same pooling) running on {@code other}. */
    public BertModel withParallel(Parallel other) {
        return new BertModel(config, weights, pooling, other);
    }

    private void validate() {
        ModelConfig c = config;
        Weights w = weights;
        expect("word embeddings", w.wordEmbeddings(), c.vocabSize(), c.dim());
        expect("position embeddings", w.positionEmbeddings(), c.contextLength(), c.dim());
        expect("token type embeddings", w.tokenTypeEmbeddings(), w.tokenTypeEmbeddings().rows(), c.dim());
        expectLength("embedding LayerNorm", c.dim(), w.embLnGamma(), w.embLnBeta());
        if (w.layers().length != c.layers()) {
            throw new IllegalArgumentException("expected " + c.layers() + " layers, got " + w.layers().length);
        }
        for (int l = 0; l < c.layers(); l++) {
            Layer y = w.layers()[l];
            String p = "layer " + l + " ";
            expect(p + "query", y.wq(), c.qDim(), c.dim());
            expect(p + "key", y.wk(), c.qDim(), c.dim());
            expect(p + "value", y.wv(), c.qDim(), c.dim());
            expect(p + "attention output", y.wo(), c.dim(), c.qDim());
            expect(p + "intermediate", y.wIn(), c.hiddenDim(), c.dim());
            expect(p + "output", y.wOut(), c.dim(), c.hiddenDim());
            expectLength(p + "q/k/v biases", c.qDim(), y.bq(), y.bk(), y.bv());
            expectLength(p + "dim-sized biases and norms", c.dim(), y.bo(), y.attnLnGamma(), y.attnLnBeta(),
                    y.bOut(), y.outLnGamma(), y.outLnBeta());
            expectLength(p + "intermediate bias", c.hiddenDim(), y.bIn());
        }
    }

    private static void expect(String name, Tensor t, int rows, int cols) {
        if (t.rows() != rows || t.cols() != cols) {
            throw new IllegalArgumentException(name + " has shape " + t.rows() + " x " + t.cols()
                    + ", expected " + rows + " x " + cols);
        }
    }

    private static void expectLength(String name, int n, float[]... vs) {
        for (float[] v : vs) {
            if (v == null || v.length != n) {
                throw new IllegalArgumentException(name + ": expected length " + n + ", got "
                        + (v == null ? "none" : v.length));
            }
        }
    }

    @Override
    public ModelConfig config() { return config; }

    public Weights weights() { return weights; }

    @Override
    public SentencePooling pooling() { return pooling; }

    @Override
    public Map<String, Tensor> matrices() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("embeddings.word_embeddings.weight", weights.wordEmbeddings());
        m.put("embeddings.position_embeddings.weight", weights.positionEmbeddings());
        m.put("embeddings.token_type_embeddings.weight", weights.tokenTypeEmbeddings());
        for (int l = 0; l < weights.layers().length; l++) {
            Layer w = weights.layers()[l];
            String p = "encoder.layer." + l + ".";
            m.put(p + "attention.self.query.weight", w.wq());
            m.put(p + "attention.self.key.weight", w.wk());
            m.put(p + "attention.self.value.weight", w.wv());
            m.put(p + "attention.output.dense.weight", w.wo());
            m.put(p + "intermediate.dense.weight", w.wIn());
            m.put(p + "output.dense.weight", w.wOut());
        }
        if (weights.poolerW() != null) {
            m.put("pooler.dense.weight", weights.poolerW());
        }
        return m;
    }

    @Override
    public Map<String, float[]> vectors() {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("embeddings.LayerNorm.weight", weights.embLnGamma());
        m.put("embeddings.LayerNorm.bias", weights.embLnBeta());
        for (int l = 0; l < weights.layers().length; l++) {
            Layer w = weights.layers()[l];
            String p = "encoder.layer." + l + ".";
            m.put(p + "attention.self.query.bias", w.bq());
            m.put(p + "attention.self.key.bias", w.bk());
            m.put(p + "attention.self.value.bias", w.bv());
            m.put(p + "attention.output.dense.bias", w.bo());
            m.put(p + "attention.output.LayerNorm.weight", w.attnLnGamma());
            m.put(p + "attention.output.LayerNorm.bias", w.attnLnBeta());
            m.put(p + "intermediate.dense.bias", w.bIn());
            m.put(p + "output.dense.bias", w.bOut());
            m.put(p + "output.LayerNorm.weight", w.outLnGamma());
            m.put(p + "output.LayerNorm.bias", w.outLnBeta());
        }
        if (weights.poolerB() != null) {
            m.put("pooler.dense.bias", weights.poolerB());
        }
        return m;
    }

    /**
     * The BERT forward (Devlin et al. 2019, sec. 3; Vaswani et al. 2017, sec. 3.2 for attention), one sentence:
     * every position attends to every position (attention mask all ones). Hooks: EMBED is the normed
     * embedding sum [T, dim]; per layer Q/K/V and HEAD_OUT are [T, heads, headDim], PATTERN [heads, T, T],
     * ATTN_OUT / MLP_OUT the sublayer outputs before the residual add, RESID_MID / RESID_POST the stream
     * after each post-LN LayerNorm, all [T, dim].
     */
    @Override
    public float[][] encode(int[] ids, int[] typeIds, Capture capture) {
        return encode(ids, typeIds, capture, Intervention.NONE);
    }

    /**
     * {@link #encode(int[], int[], Capture)} with head ablation: {@link Intervention#replaceHeadOutput} replaces
     * the head's output at every position before the output projection ({@code skipLayer} is not honoured).
     */
    public float[][] encode(int[] ids, int[] typeIds, Capture capture, Intervention intervention) {
        return encode(ids, typeIds, null, null, capture, intervention);
    }

    /**
     * The forward with explicit position ids and a visible matrix (K-BERT, Liu et al. 2020 sec. 3.3-3.4: soft
     * positions, and mask-self-attention where query i attends to key j only when {@code visible[i][j]}; hidden
     * keys get probability 0). Null {@code positions} means 0..T-1, null {@code visible} every key.
     */
    public float[][] encode(int[] ids, int[] typeIds, int[] positions, boolean[][] visible, Capture capture,
                            Intervention intervention) {
        ModelConfig c = config;
        int n = ids.length;
        if (n == 0) {
            throw new IllegalArgumentException("cannot encode an empty sequence");
        }
        if (n > c.contextLength()) {
            throw new IllegalArgumentException(n + " tokens exceed the " + c.contextLength()
                    + " learned positions; truncate the input first");
        }
        if (typeIds != null && typeIds.length != n) {
            throw new IllegalArgumentException("typeIds has " + typeIds.length + " entries for " + n + " tokens");
        }
        if (positions != null && positions.length != n) {
            throw new IllegalArgumentException("positions has " + positions.length + " entries for " + n + " tokens");
        }
        if (visible != null) {
            if (visible.length != n) throw new IllegalArgumentException("the visible matrix has " + visible.length + " rows for " + n + " tokens");
            for (int i = 0; i < n; i++) {
                if (visible[i].length != n || !visible[i][i]) {
                    throw new IllegalArgumentException("visible matrix row " + i + " must have " + n + " entries and see its own token");
                }
            }
        }
        int dim = c.dim();
        float eps = c.normEps();
        float[][] x = new float[n][dim];
        for (int t = 0; t < n; t++) {
            int id = ids[t];
            int type = typeIds == null ? 0 : typeIds[t];
            if (id < 0 || id >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " outside vocabulary of " + c.vocabSize());
            }
            if (type < 0 || type >= weights.tokenTypeEmbeddings().rows()) {
                throw new IllegalArgumentException("token type " + type + " outside the "
                        + weights.tokenTypeEmbeddings().rows() + " learned types");
            }
            float[] row = x[t];
            weights.wordEmbeddings().readRow(id, row, 0);
            int pos = positions == null ? t : positions[t];
            if (pos < 0 || pos >= c.contextLength()) {
                throw new IllegalArgumentException("position " + pos + " outside the " + c.contextLength() + " learned positions");
            }
            Kernels.add(row, weights.positionEmbeddings().row(pos), dim);
            Kernels.add(row, weights.tokenTypeEmbeddings().row(type), dim);
            Kernels.layernorm(row, row, weights.embLnGamma(), weights.embLnBeta(), dim, eps);
        }
        if (capture.on(HookPoint.EMBED)) put(capture, HookPoint.EMBED, -1, x);
        return layersFrom(0, x, visible, capture, intervention);
    }

    /**
     * Resumes the forward at layer {@code first} from {@code residual} [T][dim], the stream entering that layer
     * (EMBED for layer 0, RESID_POST of the layer before otherwise), and runs layers first..L-1: with the clean
     * run's residual this gives what {@link #encode(int[], int[], Capture, Intervention)} gives for an
     * intervention that touches only layers >= first. {@code residual} is not modified.
     */
    public float[][] encodeFrom(int first, float[][] residual, Capture capture, Intervention intervention) {
        return layersFrom(first, encodeFromCheck(first, residual), null, capture, intervention);
    }

    /** A copy of {@code residual} after checking it can enter layer {@code first}. */
    private float[][] encodeFromCheck(int first, float[][] residual) {
        if (first < 0 || first >= config.layers()) {
            throw new IllegalArgumentException("layer " + first + " outside 0.." + (config.layers() - 1));
        }
        if (residual.length == 0 || residual.length > config.contextLength()) {
            throw new IllegalArgumentException("residual of " + residual.length + " positions; expected 1.."
                    + config.contextLength());
        }
        float[][] x = new float[residual.length][];
        for (int t = 0; t < x.length; t++) {
            if (residual[t].length != config.dim()) {
                throw new IllegalArgumentException("residual row " + t + " has " + residual[t].length
                        + " values, expected " + config.dim());
            }
            x[t] = residual[t].clone();
        }
        return x;
    }

    /**
     * Resumes inside layer {@code layer} right after attention: {@code heads} [T][qDim] are that layer's head
     * outputs (say a clean run's, with some heads replaced), {@code residual} the stream entering the layer. Runs
     * the output projection, the rest of the layer and the layers after it: the same numbers as
     * {@link #encodeFrom} with an intervention that replaces those heads, without recomputing the layer's
     * queries, keys, values and attention. Neither array is modified.
     */
    public float[][] encodeFromHeads(int layer, float[][] residual, float[][] heads, Capture capture,
                                     Intervention intervention) {
        float[][] x = encodeFromCheck(layer, residual);
        if (heads.length != x.length) {
            throw new IllegalArgumentException(heads.length + " head-output rows for " + x.length + " positions");
        }
        for (float[] row : heads) {
            if (row.length != config.qDim()) {
                throw new IllegalArgumentException("head-output row of " + row.length + " values, expected "
                        + config.qDim());
            }
        }
        afterAttention(layer, x, heads, capture);
        return layersFrom(layer + 1, x, null, capture, intervention);
    }

    private float[][] layersFrom(int first, float[][] x, boolean[][] visible, Capture capture, Intervention intervention) {
        ModelConfig c = config;
        int n = x.length;
        int layers = weights.layers().length;
        for (int l = first; l < layers; l++) {
            Layer w = weights.layers()[l];
            float[][] q = linear(w.wq(), w.bq(), x);
            float[][] k = linear(w.wk(), w.bk(), x);
            float[][] v = linear(w.wv(), w.bv(), x);
            if (capture.on(HookPoint.ATTN_Q, l)) putHeads(capture, HookPoint.ATTN_Q, l, q);
            if (capture.on(HookPoint.ATTN_K, l)) putHeads(capture, HookPoint.ATTN_K, l, k);
            if (capture.on(HookPoint.ATTN_V, l)) putHeads(capture, HookPoint.ATTN_V, l, v);

            float[][] pattern = new float[c.heads()][];
            float[][] heads = attend(q, k, v, visible, pattern);
            for (int h = 0; h < c.heads(); h++) {
                float[] r = intervention.replaceHeadOutput(l, h);
                if (r != null) {
                    for (float[] row : heads) {
                        System.arraycopy(r, 0, row, h * c.headDim(), c.headDim());
                    }
                }
            }
            if (capture.on(HookPoint.ATTN_PATTERN, l)) {
                float[] flat = new float[c.heads() * n * n];
                for (int h = 0; h < c.heads(); h++) {
                    System.arraycopy(pattern[h], 0, flat, h * n * n, n * n);
                }
                capture.put(HookPoint.ATTN_PATTERN, l, flat, 0, c.heads(), n, n);
            }
            if (capture.on(HookPoint.ATTN_HEAD_OUT, l)) putHeads(capture, HookPoint.ATTN_HEAD_OUT, l, heads);
            afterAttention(l, x, heads, capture);
        }
        return x;
    }

    /** Layer l from its head outputs on: output projection, add and norm, GELU MLP, add and norm (x in place). */
    private void afterAttention(int l, float[][] x, float[][] heads, Capture capture) {
        Layer w = weights.layers()[l];
        float eps = config.normEps();
        int n = x.length;
        float[][] attnOut = linear(w.wo(), w.bo(), heads);
        if (capture.on(HookPoint.ATTN_OUT, l)) put(capture, HookPoint.ATTN_OUT, l, attnOut);
        addNorm(x, attnOut, w.attnLnGamma(), w.attnLnBeta(), eps);
        if (capture.on(HookPoint.RESID_MID, l)) put(capture, HookPoint.RESID_MID, l, x);

        float[][] hidden = linear(w.wIn(), w.bIn(), x);
        parallel.forRange(n, (from, to) -> {
            for (int t = from; t < to; t++) {
                Kernels.geluExact(hidden[t], hidden[t].length);
            }
        });
        float[][] mlpOut = linear(w.wOut(), w.bOut(), hidden);
        if (capture.on(HookPoint.MLP_OUT, l)) put(capture, HookPoint.MLP_OUT, l, mlpOut);
        addNorm(x, mlpOut, w.outLnGamma(), w.outLnBeta(), eps);
        if (capture.on(HookPoint.RESID_POST, l)) put(capture, HookPoint.RESID_POST, l, x);
    }

    /** y[t] = W x[t] + b for every position, the weight rows split over the pool. */
    private float[][] linear(Tensor w, float[] bias, float[][] x) {
        float[][] y = new float[x.length][w.rows()];
        Kernels.matmul(w, x, bias, y, x.length, parallel);
        return y;
    }

    /** Post-LN sublayer connection: x = LayerNorm(x + sublayer(x)). */
    private void addNorm(float[][] x, float[][] sub, float[] gamma, float[] beta, float eps) {
        int dim = config.dim();
        parallel.forRange(x.length, (from, to) -> {
            for (int t = from; t < to; t++) {
                Kernels.add(x[t], sub[t], dim);
                Kernels.layernorm(x[t], x[t], gamma, beta, dim, eps);
            }
        });
    }

    /**
     * softmax(q k^T / sqrt(d)) v per head over all positions; fills pattern[h] with the [T, T] probabilities.
     * Each head's keys are laid out transposed and its values contiguous, so a query's scores are vectors over
     * keys (no horizontal sums) and its output one weighted sum over value rows.
     */
    private float[][] attend(float[][] q, float[][] k, float[][] v, boolean[][] visible, float[][] pattern) {
        int n = q.length;
        int hd = config.headDim();
        int heads = config.heads();
        int stride = Kernels.paddedLength(n);
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[][] out = new float[n][config.qDim()];
        float[][] keysT = new float[heads][hd * stride];
        float[][] values = new float[heads][n * hd];
        for (int h = 0; h < heads; h++) {
            pattern[h] = new float[n * n];
            int off = h * hd;
            for (int j = 0; j < n; j++) {
                for (int d = 0; d < hd; d++) {
                    keysT[h][d * stride + j] = k[j][off + d];
                }
                System.arraycopy(v[j], off, values[h], j * hd, hd);
            }
        }
        parallel.forRange(heads * n, (from, to) -> {
            float[] scores = new float[stride];
            for (int job = from; job < to; job++) {
                int h = job / n;
                int i = job % n;
                int off = h * hd;
                Kernels.scoresTransposed(q[i], off, keysT[h], hd, stride, scale, scores);
                float[] p = pattern[h];
                System.arraycopy(scores, 0, p, i * n, n);
                if (visible != null) {
                    for (int j = 0; j < n; j++) {
                        if (!visible[i][j]) p[i * n + j] = Float.NEGATIVE_INFINITY;
                    }
                }
                Kernels.softmax(p, i * n, n);
                Kernels.weightedSum(p, i * n, n, values[h], 0, hd, out[i], off);
            }
        });
        return out;
    }

    private void putHeads(Capture capture, HookPoint point, int layer, float[][] rows) {
        float[] flat = flatten(rows);
        capture.put(point, layer, flat, 0, rows.length, config.heads(), config.headDim());
    }

    private static float[] flatten(float[][] rows) {
        int d = rows[0].length;
        float[] flat = new float[rows.length * d];
        for (int t = 0; t < rows.length; t++) {
            System.arraycopy(rows[t], 0, flat, t * d, d);
        }
        return flat;
    }

    private static void put(Capture capture, HookPoint point, int layer, float[][] rows) {
        int n = rows.length;
        int d = rows[0].length;
        float[] flat = new float[n * d];
        for (int t = 0; t < n; t++) {
            System.arraycopy(rows[t], 0, flat, t * d, d);
        }
        capture.put(point, layer, flat, 0, n, d);
    }
}
