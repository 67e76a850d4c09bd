package dev.glassbox.engine.format.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.Gpt2Model;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.BF16Tensor;
import dev.glassbox.engine.tensor.F16Tensor;
import dev.glassbox.engine.tensor.F32Tensor;
import dev.glassbox.engine.tensor.KQuantTensor;
import dev.glassbox.engine.tensor.Q4_0Tensor;
import dev.glassbox.engine.tensor.Q5_0Tensor;
import dev.glassbox.engine.tensor.Q8_0Tensor;
import dev.glassbox.engine.tensor.Tensor;
import dev.glassbox.engine.tokenizer.ByteLevelBpe;
import dev.glassbox.engine.io.AtomicFile;
import dev.glassbox.engine.tokenizer.SentencePieceBpe;
import dev.glassbox.engine.tokenizer.Tokenizer;

/**
 * Writes a {@link LlamaModel} as a GGUF v3 file with llama.cpp's tensor names and metadata keys, every matrix in
 * its own dtype (raw ggml blocks), vectors as F32, tensors aligned to 32 bytes. A llama2.c or Hugging Face model
 * whose rotary pairing differs from the one llama.cpp uses for the architecture gets its Q/K rows permuted, as
 * llama.cpp's converters do.
 */
public final class GgufWriter {
    private static final int ALIGNMENT = GgufReader.DEFAULT_ALIGNMENT;
    // llama.cpp llama_token_type: NORMAL 1, UNKNOWN 2, CONTROL 3, BYTE 6
    private static final int NORMAL = 1;
    private static final int UNKNOWN = 2;
    private static final int CONTROL = 3;
    private static final int BYTE = 6;

    private GgufWriter() {
    }

    /** A tensor to store: a matrix (ne = [cols, rows]) or a float32 vector (ne = [length]). */
    private record Entry(String name, long[] ne, GgmlType type, MemorySegment bytes) {
    }

    public static void write(LlamaModel model, Tokenizer tokenizer, String name, Path out) throws IOException {
        if (model.hasExperts()) {
            throw new IllegalArgumentException("mixture-of-experts models are not exported to GGUF yet (llama.cpp stacks"
                    + " the experts into ffn_*_exps tensors with expert_count metadata); use the Hugging Face folder");
        }
        if (model.relative() != null) {
            throw new IllegalArgumentException("xl-relative positions have no llama.cpp equivalent (it applies rotary"
                    + " embedding); cannot export, use the Hugging Face folder");
        }
        ModelConfig c = model.config();
        String arch = switch (c.architecture()) {
            case LLAMA -> "llama";
            case QWEN2 -> "qwen2";
            default -> throw new IllegalArgumentException(c.architecture() + " has no GGUF llama-family export");
        };
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("general.architecture", GgufValue.string(arch));
        kv.put("general.name", GgufValue.string(name));
        kv.put("general.alignment", GgufValue.u32(ALIGNMENT));
        kv.put(arch + ".context_length", GgufValue.u32(c.contextLength()));
        kv.put(arch + ".embedding_length", GgufValue.u32(c.dim()));
        kv.put(arch + ".feed_forward_length", GgufValue.u32(c.hiddenDim()));
        kv.put(arch + ".block_count", GgufValue.u32(c.layers()));
        kv.put(arch + ".attention.head_count", GgufValue.u32(c.heads()));
        kv.put(arch + ".attention.head_count_kv", GgufValue.u32(c.kvHeads()));
        if (c.headDim() != c.dim() / c.heads()) {
            kv.put(arch + ".attention.key_length", GgufValue.u32(c.headDim()));
            kv.put(arch + ".attention.value_length", GgufValue.u32(c.headDim()));
        }
        kv.put(arch + ".rope.dimension_count", GgufValue.u32(c.headDim()));
        kv.put(arch + ".rope.freq_base", GgufValue.f32(c.ropeTheta()));
        kv.put(arch + ".attention.layer_norm_rms_epsilon", GgufValue.f32(c.normEps()));
        putTokenizer(kv, tokenizer);
        writeFile(out, kv, entries(model));
    }

    /** Writes a {@link Gpt2Model} as llama.cpp's {@code gpt2} architecture (no output.weight: tied). */
    public static void write(Gpt2Model model, Tokenizer tokenizer, String name, Path out) throws IOException {
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("general.architecture", GgufValue.string("gpt2"));
        kv.put("general.name", GgufValue.string(name));
        kv.put("general.alignment", GgufValue.u32(ALIGNMENT));
        GgufGpt2.putMetadata(kv, model.config());
        putTokenizer(kv, tokenizer);
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.matrices().entrySet()) {
            Tensor t = e.getValue();
            entries.add(new Entry(GgufGpt2.ggufName(e.getKey()), new long[] {t.cols(), t.rows()}, GgmlType.of(t.dtype()), raw(t)));
        }
        for (Map.Entry<String, float[]> e : model.vectors().entrySet()) {
            entries.add(new Entry(GgufGpt2.ggufName(e.getKey()), new long[] {e.getValue().length}, GgmlType.F32,
                    MemorySegment.ofArray(e.getValue().clone())));
        }
        writeFile(out, kv, entries);
    }

    /** Whether {@code t} can be stored in the file's metadata (sentencepiece or byte-level BPE). */
    public static boolean canEmbed(Tokenizer t) {
        return t instanceof SentencePieceBpe || t instanceof ByteLevelBpe;
    }

    private static void putTokenizer(Map<String, GgufValue> kv, Tokenizer tokenizer) {
        switch (tokenizer) {
            case SentencePieceBpe spm -> putTokenizer(kv, spm);
            case ByteLevelBpe bpe -> GgufByteLevelBpe.put(kv, bpe);
            case null, default -> { } // other tokenizers have no GGUF form here; the model is written without one
        }
    }

    private static void putTokenizer(Map<String, GgufValue> kv, SentencePieceBpe t) {
        int n = t.vocabSize();
        String[] tokens = new String[n];
        float[] scores = new float[n];
        long[] types = new long[n];
        int unk = -1;
        for (int i = 0; i < n; i++) {
            String p = t.piece(i);
            tokens[i] = p.replace(' ', '\u2581'); // sentencepiece's visible space
            scores[i] = t.score(i);
            boolean isByte = p.length() == 6 && p.startsWith("<0x") && p.endsWith(">");
            types[i] = i == t.bos() || i == t.eos() ? CONTROL : p.equals("<unk>") ? UNKNOWN : isByte ? BYTE : NORMAL;
            if (p.equals("<unk>") && unk < 0) {
                unk = i;
            }
        }
        kv.put("tokenizer.ggml.model", GgufValue.string("llama"));
        kv.put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, tokens));
        kv.put("tokenizer.ggml.scores", GgufValue.array(GgufValueType.FLOAT32, scores));
        kv.put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, types));
        kv.put("tokenizer.ggml.bos_token_id", GgufValue.u32(t.bos()));
        kv.put("tokenizer.ggml.eos_token_id", GgufValue.u32(t.eos()));
        if (unk >= 0) {
            kv.put("tokenizer.ggml.unknown_token_id", GgufValue.u32(unk));
        }
    }

    private static List<Entry> entries(LlamaModel model) {
        ModelConfig c = model.config();
        RopeStyle target = c.architecture() == Architecture.QWEN2 ? RopeStyle.HALF : RopeStyle.INTERLEAVED;
        boolean permute = c.ropeStyle() != RopeStyle.NONE && c.ropeStyle() != target;
        for (LlamaModel.Layer l : model.weights().layers()) {
            if (l.wDown() == null || l.ffnNorm() == null) {
                throw new IllegalArgumentException("attention-only blocks have no llama.cpp equivalent; cannot export");
            }
        }
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.matrices().entrySet()) {
            Tensor t = e.getValue();
            MemorySegment bytes = raw(t);
            if (permute && (e.getKey().endsWith("attn_q.weight") || e.getKey().endsWith("attn_k.weight"))) {
                bytes = permuteRows(bytes, t.rows(), c.headDim(), target);
            }
            out.add(new Entry(e.getKey(), new long[] {t.cols(), t.rows()}, GgmlType.of(t.dtype()), bytes));
        }
        for (Map.Entry<String, float[]> e : model.vectors().entrySet()) {
            MemorySegment bytes = MemorySegment.ofArray(e.getValue().clone());
            if (permute && (e.getKey().endsWith("attn_q.bias") || e.getKey().endsWith("attn_k.bias"))) {
                bytes = permuteRows(bytes, e.getValue().length, c.headDim(), target);
            }
            out.add(new Entry(e.getKey(), new long[] {e.getValue().length}, GgmlType.F32, bytes));
        }
        return out;
    }

    /** The stored bytes of a matrix, exactly {@code byteSize()} long. */
    private static MemorySegment raw(Tensor t) {
        MemorySegment s = switch (t) {
            case F32Tensor f -> f.data();
            case F16Tensor f -> f.data();
            case BF16Tensor f -> f.data();
            case Q8_0Tensor f -> f.blocks();
            case Q4_0Tensor f -> f.data();
            case Q5_0Tensor f -> f.data();
            case KQuantTensor f -> f.data();
        };
        return s.asSlice(0, t.byteSize());
    }

    /**
     * Reorders the rows of each head between the two rotary pairings: in {@link RopeStyle#HALF} row i pairs with
     * row i + d/2, in {@link RopeStyle#INTERLEAVED} row 2i pairs with 2i + 1 (llama.cpp convert_hf_to_gguf.py
     * {@code permute}). Rows are whole byte ranges, so this works for every dtype.
     */
    private static MemorySegment permuteRows(MemorySegment src, int rows, int headDim, RopeStyle target) {
        long rowBytes = src.byteSize() / rows;
        MemorySegment dst = MemorySegment.ofArray(new byte[(int) src.byteSize()]);
        int half = headDim / 2;
        for (int h = 0; h < rows / headDim; h++) {
            for (int i = 0; i < half; i++) {
                int[] halfRows = {h * headDim + i, h * headDim + i + half};
                int[] pairRows = {h * headDim + 2 * i, h * headDim + 2 * i + 1};
                for (int k = 0; k < 2; k++) {
                    int from = target == RopeStyle.INTERLEAVED ? halfRows[k] : pairRows[k];
                    int to = target == RopeStyle.INTERLEAVED ? pairRows[k] : halfRows[k];
                    MemorySegment.copy(src, from * rowBytes, dst, to * rowBytes, rowBytes);
                }
            }
        }
        return dst;
    }

    private static void writeFile(Path out, Map<String, GgufValue> kv, List<Entry> tensors) throws IOException {
        Le h = new Le();
        h.u32(GgufReader.MAGIC);
        h.u32(3);
        h.u64(tensors.size());
        h.u64(kv.size());
        for (Map.Entry<String, GgufValue> e : kv.entrySet()) {
            h.string(e.getKey());
            h.value(e.getValue(), true);
        }
        long offset = 0;
        long[] offsets = new long[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            Entry t = tensors.get(i);
            h.string(t.name());
            h.u32(t.ne().length);
            for (long d : t.ne()) {
                h.u64(d);
            }
            h.u32(t.type().id());
            offsets[i] = offset;
            h.u64(offset);
            offset = GgufReader.align(offset + t.bytes().byteSize(), ALIGNMENT);
        }
        h.pad(h.size());
        try (AtomicFile f = AtomicFile.create(out)) {
            OutputStream os = f.stream();
            h.writeTo(os);
            long written = 0;
            byte[] buf = new byte[1 << 16];
            for (int i = 0; i < tensors.size(); i++) {
                os.write(new byte[(int) (offsets[i] - written)]);
                MemorySegment s = tensors.get(i).bytes();
                for (long p = 0; p < s.byteSize(); p += buf.length) {
                    int n = (int) Math.min(buf.length, s.byteSize() - p);
                    MemorySegment.copy(s, ValueLayout.JAVA_BYTE, p, buf, 0, n);
                    os.write(buf, 0, n);
                }
                written = offsets[i] + s.byteSize();
            }
            f.commit();
        }
    }

    /** A growable little-endian buffer for the header. */
    private static final class Le extends ByteArrayOutputStream {
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        void u32(long v) { scratch.clear(); scratch.putInt((int) v); write(scratch.array(), 0, 4); }

        void u64(long v) { scratch.clear(); scratch.putLong(v); write(scratch.array(), 0, 8); }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            writeBytes(b);
        }

        void pad(long size) {
            write(new byte[(int) (GgufReader.align(size, ALIGNMENT) - size)], 0, (int) (GgufReader.align(size, ALIGNMENT) - size));
        }

        void value(GgufValue v, boolean withType) {
            if (withType) {
                u32(v.type().id());
            }
            switch (v.type()) {
                case STRING -> string((String) v.value());
                case UINT32, INT32 -> u32((Long) v.value());
                case FLOAT32 -> u32(Float.floatToRawIntBits((Float) v.value()));
                case BOOL -> write((Boolean) v.value() ? 1 : 0);
                case ARRAY -> {
                    u32(v.elementType().id());
                    u64(v.length());
                    switch (v.value()) {
                        case String[] a -> { for (String s : a) string(s); }
                        case float[] a -> { for (float f : a) u32(Float.floatToRawIntBits(f)); }
                        case long[] a when v.elementType() == GgufValueType.INT32 -> { for (long x : a) u32(x); }
                        default -> throw new IllegalArgumentException("writer does not emit " + v);
                    }
                }
                default -> throw new IllegalArgumentException("writer does not emit " + v);
            }
        }
    }
}
