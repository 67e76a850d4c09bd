package dev.glassbox.engine.format;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.F32Tensor;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;

/**
 * llama2.c checkpoints (Karpathy's export.py): the legacy v0 layout (7-int header, negative vocab size
 * means an unshared classifier), v1 (256-byte header with magic "ak42", float32) and v2 (int8 weights
 * in groups with float32 scales, dequantised on load).
 */
public final class Llama2cFormat {
    static final int MAGIC = 0x616b3432;
    private static final int V1_HEADER = 256;

    private Llama2cFormat() {
    }

    /** The header fields, validated. */
    public record Header(int version, int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocabSize,
                         int seqLen, boolean sharedClassifier, int groupSize, long dataOffset) {
        ModelConfig config() {
            return new ModelConfig(Architecture.LLAMA, dim, hiddenDim, layers, heads, kvHeads, dim / heads,
                    vocabSize, seqLen, 1e-5f, 10000f, RopeStyle.INTERLEAVED);
        }
    }

    public static boolean looksLikeVersioned(MappedFile f) {
        return f.size() >= 8 && f.getInt(0) == MAGIC;
    }

    public static Header readHeader(MappedFile f) throws FormatException {
        Path p = f.path();
        if (looksLikeVersioned(f)) {
            if (f.size() < V1_HEADER) {
                throw new FormatException(p, "truncated llama2.c header (" + f.size() + " bytes, need 256)");
            }
            int version = f.getInt(4);
            if (version != 1 && version != 2) {
                throw new FormatException(p, "unsupported llama2.c checkpoint version " + version + " (supported: 0, 1, 2)");
            }
            int[] h = ints(f, 8);
            boolean shared = f.segment().get(ValueLayout.JAVA_BYTE, 36) != 0;
            int gs = version == 2 ? f.getInt(37) : 0;
            if (version == 2 && (gs <= 0 || gs > 1 << 16)) {
                throw new FormatException(p, "implausible quantization group size " + gs);
            }
            return header(p, version, h, h[5], shared, gs, V1_HEADER);
        }
        if (f.size() < 28) {
            throw new FormatException(p, "too short for a llama2.c checkpoint (" + f.size() + " bytes)");
        }
        int[] h = ints(f, 0);
        return header(p, 0, h, Math.abs(h[5]), h[5] > 0, 0, 28);
    }

    private static int[] ints(MappedFile f, long off) {
        int[] h = new int[7];
        for (int i = 0; i < 7; i++) {
            h[i] = f.getInt(off + 4L * i);
        }
        return h;
    }

    private static Header header(Path p, int version, int[] h, int vocab, boolean shared, int gs, long off)
            throws FormatException {
        String names = "dim=" + h[0] + " hidden=" + h[1] + " layers=" + h[2] + " heads=" + h[3] + " kv_heads=" + h[4]
                + " vocab=" + h[5] + " seq_len=" + h[6];
        if (h[0] <= 0 || h[1] <= 0 || h[2] <= 0 || h[3] <= 0 || h[4] <= 0 || vocab <= 0 || h[6] <= 0
                || h[0] > 65536 || h[1] > 262144 || h[2] > 1024 || h[3] > 1024 || vocab > 1 << 22 || h[6] > 1 << 22
                || h[0] % h[3] != 0 || h[3] % h[4] != 0 || h[4] > h[3]) {
            throw new FormatException(p, "not a llama2.c checkpoint or corrupt header: " + names);
        }
        return new Header(version, h[0], h[1], h[2], h[3], h[4], vocab, h[6], shared, gs, off);
    }

    /** Bytes of weight data the header implies (checked against the file size before anything is read). */
    static long expectedDataBytes(Header h) {
        long dim = h.dim();
        long kvDim = (long) h.dim() * h.kvHeads() / h.heads();
        long L = h.layers();
        long norms = L * dim * 2 + dim;
        long matrices = h.vocabSize() * dim + L * (dim * dim * 2 + dim * kvDim * 2 + dim * (long) h.hiddenDim() * 3)
                + (h.sharedClassifier() ? 0 : h.vocabSize() * dim);
        return switch (h.version()) {
            case 0 -> 4 * (norms + matrices + (long) h.seqLen() * (h.dim() / h.heads()));
            case 1 -> 4 * (norms + matrices);
            default -> 4 * norms + matrices + 4 * (matrices / h.groupSize());
        };
    }

    public static LlamaModel load(Path path, Parallel parallel) throws IOException {
        MappedFile f = MappedFile.openWeights(path);
        Header h = readHeader(f);
        long need = h.dataOffset() + expectedDataBytes(h);
        if (f.size() != need) {
            throw new FormatException(path, "header (" + h.dim() + " dim, " + h.layers() + " layers, vocab "
                    + h.vocabSize() + ") implies " + need + " bytes but the file has " + f.size()
                    + (f.size() < need ? " (truncated?)" : " (trailing data: wrong format or version?)"));
        }
        ModelConfig c;
        try {
            c = h.config();
        } catch (IllegalArgumentException e) {
            throw new FormatException(path, e.getMessage());
        }
        return h.version() == 2 ? loadQuantized(f, h, c, parallel) : loadFloat(f, h, c, parallel);
    }

    private static LlamaModel loadFloat(MappedFile f, Header h, ModelConfig c, Parallel par) throws FormatException {
        Cursor cur = new Cursor(f, h.dataOffset());
        int L = c.layers();
        int dim = c.dim();
        float[][] attNorm = new float[L][];
        float[][] ffnNorm = new float[L][];
        float[] finalNorm;
        Tensor emb;
        if (h.version() == 1) {
            for (int l = 0; l < L; l++) attNorm[l] = cur.floats(dim, "attention norm");
            for (int l = 0; l < L; l++) ffnNorm[l] = cur.floats(dim, "ffn norm");
            finalNorm = cur.floats(dim, "final norm");
            emb = cur.matrix(c.vocabSize(), dim, "token embedding");
        } else {
            emb = cur.matrix(c.vocabSize(), dim, "token embedding");
            for (int l = 0; l < L; l++) attNorm[l] = cur.floats(dim, "attention norm");
            finalNorm = null;
        }
        Tensor[] wq = cur.matrices(L, c.qDim(), dim, "wq");
        Tensor[] wk = cur.matrices(L, c.kvDim(), dim, "wk");
        Tensor[] wv = cur.matrices(L, c.kvDim(), dim, "wv");
        Tensor[] wo = cur.matrices(L, dim, c.qDim(), "wo");
        if (h.version() == 0) {
            for (int l = 0; l < L; l++) ffnNorm[l] = cur.floats(dim, "ffn norm");
        }
        Tensor[] w1 = cur.matrices(L, c.hiddenDim(), dim, "w1");
        Tensor[] w2 = cur.matrices(L, dim, c.hiddenDim(), "w2");
        Tensor[] w3 = cur.matrices(L, c.hiddenDim(), dim, "w3");
        if (h.version() == 0) {
            finalNorm = cur.floats(dim, "final norm");
            cur.skip(4L * c.contextLength() * c.headDim(), "freq_cis");
        }
        Tensor out = h.sharedClassifier() ? emb : cur.matrix(c.vocabSize(), dim, "classifier");
        LlamaModel.Layer[] layers = new LlamaModel.Layer[L];
        for (int l = 0; l < L; l++) {
            layers[l] = new LlamaModel.Layer(attNorm[l], wq[l], wk[l], wv[l], wo[l], null, null, null,
                    ffnNorm[l], w1[l], w3[l], w2[l]);
        }
        return new LlamaModel(c, new LlamaModel.Weights(emb, layers, finalNorm, out), par);
    }

    /** v2: all int8 tensors, then all their scales; dequantised to float32 (value = q * scale of its group). */
    private static LlamaModel loadQuantized(MappedFile f, Header h, ModelConfig c, Parallel par) throws FormatException {
        Cursor cur = new Cursor(f, h.dataOffset());
        int L = c.layers();
        int dim = c.dim();
        float[][] attNorm = new float[L][];
        float[][] ffnNorm = new float[L][];
        for (int l = 0; l < L; l++) attNorm[l] = cur.floats(dim, "attention norm");
        for (int l = 0; l < L; l++) ffnNorm[l] = cur.floats(dim, "ffn norm");
        float[] finalNorm = cur.floats(dim, "final norm");
        int[][] shapes = new int[1 + 7 * L + (h.sharedClassifier() ? 0 : 1)][];
        int n = 0;
        shapes[n++] = new int[] {c.vocabSize(), dim};
        int[][] per = {{c.qDim(), dim}, {c.kvDim(), dim}, {c.kvDim(), dim}, {dim, c.qDim()},
                {c.hiddenDim(), dim}, {dim, c.hiddenDim()}, {c.hiddenDim(), dim}};
        for (int[] s : per) {
            for (int l = 0; l < L; l++) shapes[n++] = s;
        }
        if (!h.sharedClassifier()) shapes[n++] = new int[] {c.vocabSize(), dim};
        MemorySegment[] qs = new MemorySegment[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            long count = (long) shapes[i][0] * shapes[i][1];
            if (count % h.groupSize() != 0) {
                throw new FormatException(f.path(), "tensor " + i + " size " + count + " is not a multiple of group size " + h.groupSize());
            }
            qs[i] = cur.bytes(count, "int8 weights of tensor " + i);
        }
        Tensor[] t = new Tensor[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            int rows = shapes[i][0];
            int cols = shapes[i][1];
            int groups = (int) ((long) rows * cols / h.groupSize());
            float[] scales = cur.floats(groups, "scales of tensor " + i);
            float[] values = new float[rows * cols];
            for (int j = 0; j < values.length; j++) {
                values[j] = qs[i].get(ValueLayout.JAVA_BYTE, j) * scales[j / h.groupSize()];
            }
            t[i] = F32Tensor.of(values, rows, cols);
        }
        LlamaModel.Layer[] layers = new LlamaModel.Layer[L];
        for (int l = 0; l < L; l++) {
            layers[l] = new LlamaModel.Layer(attNorm[l], t[1 + l], t[1 + L + l], t[1 + 2 * L + l], t[1 + 3 * L + l],
                    null, null, null, ffnNorm[l], t[1 + 4 * L + l], t[1 + 6 * L + l], t[1 + 5 * L + l]);
        }
        Tensor out = h.sharedClassifier() ? t[0] : t[shapes.length - 1];
        return new LlamaModel(c, new LlamaModel.Weights(t[0], layers, finalNorm, out), par);
    }

    /** Sequential reader over the data section. */
    private static final class Cursor {
        private final MappedFile f;
        private long off;

        Cursor(MappedFile f, long off) {
            this.f = f;
            this.off = off;
        }

        float[] floats(int n, String what) throws FormatException {
            float[] v = f.floats(off, n, what);
            off += 4L * n;
            return v;
        }

        Tensor matrix(int rows, int cols, String what) throws FormatException {
            long bytes = 4L * rows * cols;
            Tensor t = new F32Tensor(f.slice(off, bytes, what), rows, cols);
            off += bytes;
            return t;
        }

        Tensor[] matrices(int n, int rows, int cols, String what) throws FormatException {
            Tensor[] out = new Tensor[n];
            for (int i = 0; i < n; i++) {
                out[i] = matrix(rows, cols, what + " of layer " + i);
            }
            return out;
        }

        MemorySegment bytes(long n, String what) throws FormatException {
            MemorySegment s = f.slice(off, n, what);
            off += n;
            return s;
        }

        void skip(long n, String what) throws FormatException {
            f.slice(off, n, what);
            off += n;
        }
    }
}
