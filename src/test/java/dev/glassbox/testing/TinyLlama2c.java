package dev.glassbox.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a tiny random llama2.c checkpoint (legacy v0 layout: 7 int32 header, then float32 weights in
 * export.py's legacy order, shared classifier) and a matching tokenizer.bin into a folder.
 */
public final class TinyLlama2c {
    public static final int DIM = 32;
    public static final int HIDDEN = 64;
    public static final int LAYERS = 2;
    public static final int HEADS = 4;
    public static final int KV_HEADS = 2;
    public static final int SEQ_LEN = 64;
    private static final String[] MERGES = {" t", "th", " th", "he", " the", " c", " ca", "at", " cat", " s", " sa", " sat",
        "on", " on", " m", " ma", " mat"};

    private TinyLlama2c() {
    }

    /** The tokenizer's pieces: unk, BOS, EOS, 256 byte tokens, space, a-z, then some merges. */
    public static List<String> pieces() {
        List<String> p = new ArrayList<>(List.of("<unk>", "\n<s>\n", "\n</s>\n"));
        for (int b = 0; b < 256; b++) {
            p.add(String.format("<0x%02X>", b));
        }
        p.add(" ");
        for (char c = 'a'; c <= 'z'; c++) {
            p.add(String.valueOf(c));
        }
        p.addAll(List.of(MERGES));
        return p;
    }

    /** Writes {@code model.bin} and {@code tokenizer.bin} into {@code dir}; returns the model path. */
    public static Path write(Path dir, long seed) throws IOException {
        return write(dir, seed, DIM, LAYERS, HEADS, KV_HEADS);
    }

    /**
     * {@link #write(Path, long)} with another shape: {@code dim} a multiple of {@code heads}, {@code heads} a multiple
     * of {@code kvHeads} (a 12-head model, as wide in the Explore grid as stories110M: 8 dims a head).
     */
    public static Path write(Path dir, long seed, int dim, int layers, int heads, int kvHeads) throws IOException {
        Files.createDirectories(dir);
        List<String> pieces = pieces();
        int vocab = pieces.size();
        writeTokenizer(dir.resolve("tokenizer.bin"), pieces);
        int kvDim = dim * kvHeads / heads;
        int headDim = dim / heads;
        long floats = (long) vocab * dim + layers * (long) dim // emb, attn norm
                + layers * ((long) dim * dim * 2 + (long) dim * kvDim * 2) // wq wk wv wo
                + layers * (long) dim // ffn norm
                + layers * (long) dim * HIDDEN * 3 // w1 w2 w3
                + dim // final norm
                + (long) SEQ_LEN * headDim; // freq_cis real + imag
        ByteBuffer b = ByteBuffer.allocate((int) (28 + 4 * floats)).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[] {dim, HIDDEN, layers, heads, kvHeads, vocab, SEQ_LEN}) {
            b.putInt(v);
        }
        Random r = new Random(seed);
        random(b, r, (long) vocab * dim, 1.0);
        ones(b, layers * dim);
        random(b, r, (long) layers * dim * dim, 0.6);
        random(b, r, (long) layers * dim * kvDim, 0.6);
        random(b, r, (long) layers * dim * kvDim, 0.3);
        random(b, r, (long) layers * dim * dim, 0.3);
        ones(b, layers * dim);
        random(b, r, (long) layers * dim * HIDDEN * 3, 0.2);
        ones(b, dim);
        random(b, r, (long) SEQ_LEN * headDim, 0.0);
        Path model = dir.resolve("model.bin");
        Files.write(model, b.array());
        return model;
    }

    private static void random(ByteBuffer b, Random r, long n, double scale) {
        for (long i = 0; i < n; i++) {
            b.putFloat((float) (r.nextGaussian() * scale));
        }
    }

    private static void ones(ByteBuffer b, int n) {
        for (int i = 0; i < n; i++) {
            b.putFloat(1f);
        }
    }

    private static void writeTokenizer(Path file, List<String> pieces) throws IOException {
        int maxLen = 0;
        int size = 4;
        for (String p : pieces) {
            int len = p.getBytes(StandardCharsets.UTF_8).length;
            maxLen = Math.max(maxLen, len);
            size += 8 + len;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(maxLen);
        int firstMerge = pieces.size() - MERGES.length;
        for (int i = 0; i < pieces.size(); i++) {
            byte[] s = pieces.get(i).getBytes(StandardCharsets.UTF_8);
            // merges score by length so longer pieces win, as sentencepiece scores do; the rest score 0
            b.putFloat(i >= firstMerge ? s.length : 0f);
            b.putInt(s.length);
            b.put(s);
        }
        Files.write(file, b.array());
    }
}
