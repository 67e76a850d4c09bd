package dev.glassbox.testing;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;
import dev.glassbox.engine.tokenizer.SentencePieceBpe;

/** Small random-weight models and files written from scratch, for format tests and fuzz seeds. */
public final class TinyModels {
    private TinyModels() {
    }

    /**
     * A random Llama-family model; matrix dtypes cycle through {@code types} (block types need dims that are
     * multiples of 32). Qwen2 gets q/k/v biases.
     */
    public static LlamaModel random(Architecture arch, RopeStyle rope, int dim, int hidden, int layers, int heads,
                                    int kvHeads, int vocab, long seed, DType... types) {
        Random r = new Random(seed);
        ModelConfig c = new ModelConfig(arch, dim, hidden, layers, heads, kvHeads, dim / heads, vocab, 64, 1e-5f,
                10000f, rope);
        int[] next = {0};
        java.util.function.BiFunction<Integer, Integer, Tensor> m = (rows, cols) ->
                encode(types[next[0]++ % types.length], gaussian(r, rows * cols, 0.3f), rows, cols);
        LlamaModel.Layer[] ls = new LlamaModel.Layer[layers];
        boolean bias = arch == Architecture.QWEN2;
        for (int l = 0; l < layers; l++) {
            ls[l] = new LlamaModel.Layer(norm(r, dim), m.apply(c.qDim(), dim), m.apply(c.kvDim(), dim),
                    m.apply(c.kvDim(), dim), m.apply(dim, c.qDim()),
                    bias ? gaussian(r, c.qDim(), 0.1f) : null, bias ? gaussian(r, c.kvDim(), 0.1f) : null,
                    bias ? gaussian(r, c.kvDim(), 0.1f) : null,
                    norm(r, dim), m.apply(hidden, dim), m.apply(hidden, dim), m.apply(dim, hidden));
        }
        Tensor emb = m.apply(vocab, dim);
        Tensor out = m.apply(vocab, dim);
        return new LlamaModel(c, new LlamaModel.Weights(emb, ls, norm(r, dim), out), Parallel.SERIAL);
    }

    private static float[] norm(Random r, int n) {
        float[] v = gaussian(r, n, 0.1f);
        for (int i = 0; i < n; i++) v[i] += 1f;
        return v;
    }

    public static float[] gaussian(Random r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian() * scale;
        return v;
    }

    /** Stores {@code v} in dtype {@code d} (Q8_0/Q4_0 quantised as ggml's reference quantisers do). */
    public static Tensor encode(DType d, float[] v, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate((int) d.bytesFor(v.length)).order(ByteOrder.LITTLE_ENDIAN);
        switch (d) {
            case F32 -> { for (float x : v) b.putFloat(x); }
            case F16 -> { for (float x : v) b.putShort(Float.floatToFloat16(x)); }
            case BF16 -> { for (float x : v) b.putShort((short) (Float.floatToRawIntBits(x) >>> 16)); }
            case Q8_0 -> {
                for (int blk = 0; blk < v.length / 32; blk++) {
                    float amax = 0;
                    for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(v[32 * blk + j]));
                    float dd = amax / 127f;
                    float id = dd == 0 ? 0 : 1 / dd;
                    b.putShort(Float.floatToFloat16(dd));
                    for (int j = 0; j < 32; j++) b.put((byte) Math.round(v[32 * blk + j] * id));
                }
            }
            case Q4_0 -> {
                for (int blk = 0; blk < v.length / 32; blk++) {
                    float max = 0;
                    for (int j = 0; j < 32; j++) if (Math.abs(v[32 * blk + j]) > Math.abs(max)) max = v[32 * blk + j];
                    float dd = max / -8f;
                    float id = dd == 0 ? 0 : 1 / dd;
                    b.putShort(Float.floatToFloat16(dd));
                    for (int j = 0; j < 16; j++) {
                        int lo = Math.min(15, (int) (v[32 * blk + j] * id + 8.5f));
                        int hi = Math.min(15, (int) (v[32 * blk + j + 16] * id + 8.5f));
                        b.put((byte) (lo | hi << 4));
                    }
                }
            }
        }
        return Tensor.of(d, MemorySegment.ofArray(b.array()), rows, cols);
    }

    /** "&lt;unk&gt;", "&lt;s&gt;", "&lt;/s&gt;", the 256 byte pieces if they fit, then letters and merges. */
    public static SentencePieceBpe tokenizer(int vocab) {
        List<String> p = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        if (vocab >= 3 + 256 + 8) {
            for (int b = 0; b < 256; b++) p.add(String.format("<0x%02X>", b));
        }
        String[] extra = {" ", "a", "b", "c", "ab", " a", "abc", " ab", "ba", "cab"};
        for (int i = 0; p.size() < vocab; i++) {
            p.add(i < extra.length ? extra[i] : "t" + i);
        }
        float[] scores = new float[vocab];
        for (int i = 0; i < vocab; i++) scores[i] = -i;
        return new SentencePieceBpe(p.subList(0, vocab).toArray(String[]::new), scores);
    }

    /** A legacy (v0) llama2.c checkpoint of an all-F32 model with a shared classifier. */
    public static byte[] llama2cV0(LlamaModel m) {
        ModelConfig c = m.config();
        LlamaModel.Weights w = m.weights();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        put(out, new float[0], c.dim(), c.hiddenDim(), c.layers(), c.heads(), c.kvHeads(), c.vocabSize(), c.contextLength());
        put(out, w.tokenEmbedding().toFloatArray());
        for (LlamaModel.Layer l : w.layers()) put(out, l.attnNorm());
        for (LlamaModel.Layer l : w.layers()) put(out, l.wq().toFloatArray());
        for (LlamaModel.Layer l : w.layers()) put(out, l.wk().toFloatArray());
        for (LlamaModel.Layer l : w.layers()) put(out, l.wv().toFloatArray());
        for (LlamaModel.Layer l : w.layers()) put(out, l.wo().toFloatArray());
        for (LlamaModel.Layer l : w.layers()) put(out, l.ffnNorm());
        for (LlamaModel.Layer l : w.layers()) put(out, l.wGate().toFloatArray());
        for (LlamaModel.Layer l : w.layers()) put(out, l.wDown().toFloatArray());
        for (LlamaModel.Layer l : w.layers()) put(out, l.wUp().toFloatArray());
        put(out, w.finalNorm());
        put(out, new float[c.contextLength() * c.headDim()]); // freq_cis_real + freq_cis_imag (unused)
        return out.toByteArray();
    }

    /** llama2.c's tokenizer.bin: int max_len, then per token float score, int length, bytes. */
    public static byte[] llama2cTokenizer(SentencePieceBpe t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int max = 0;
        for (int i = 0; i < t.vocabSize(); i++) max = Math.max(max, t.piece(i).getBytes(StandardCharsets.UTF_8).length);
        put(out, new float[0], max);
        for (int i = 0; i < t.vocabSize(); i++) {
            byte[] s = t.piece(i).getBytes(StandardCharsets.UTF_8);
            put(out, new float[] {t.score(i)}, s.length);
            out.writeBytes(s);
        }
        return out.toByteArray();
    }

    private static void put(ByteArrayOutputStream out, float[] floats, int... ints) {
        ByteBuffer b = ByteBuffer.allocate(4 * (floats.length + ints.length)).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : floats) b.putFloat(f);
        for (int i : ints) b.putInt(i);
        out.writeBytes(b.array());
    }
}
