package dev.glassbox.engine.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

import dev.glassbox.engine.io.AtomicFile;

/**
 * Writes seeded random checkpoints in llama2.c's legacy v0 layout (Karpathy's export.py {@code legacy_export}):
 * a 7-int header (positive vocab size = classifier shared with the embedding), then the token embedding,
 * attention norms, wq, wk, wv, wo, ffn norms, w1, w2, w3, final norm and the unused freq_cis tables.
 * Matrices are drawn from N(0, 0.02^2) (the GPT-2/llama2.c init), norms are 1. Used for benchmarks, where
 * only the shape matters, and for tests.
 */
public final class Llama2cWriter {
    static final double INIT_STD = 0.02;

    /** A checkpoint shape (dim, hidden, layers, heads, kv heads, vocab, sequence length). */
    public record Shape(String name, int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocabSize,
                        int seqLen) {
        public Shape {
            if (dim <= 0 || hiddenDim <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocabSize <= 0 || seqLen <= 0
                    || dim % heads != 0 || heads % kvHeads != 0 || (dim / heads) % 2 != 0) {
                throw new IllegalArgumentException("invalid checkpoint shape " + this);
            }
        }

        /** Karpathy's stories15M and stories110M, and a tiny shape for tests. */
        public static final Shape STORIES_15M = new Shape("stories15M", 288, 768, 6, 6, 6, 32000, 256);
        public static final Shape STORIES_110M = new Shape("stories110M", 768, 2048, 12, 12, 12, 32000, 1024);
        public static final Shape TINY = new Shape("tiny", 64, 172, 2, 4, 4, 512, 128);

        public static Shape named(String name) {
            for (Shape s : new Shape[] {STORIES_15M, STORIES_110M, TINY}) {
                if (s.name.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown shape '" + name + "' (known: stories15M, stories110M, tiny,"
                    + " qwen2.5-0.5b, tinyllama-1.1b)");
        }

        int headDim() { return dim / heads; }

        int kvDim() { return kvHeads * headDim(); }
    }

    private Llama2cWriter() {
    }

    /** Writes a random checkpoint of {@code shape} to {@code out} atomically; the same seed gives the same bytes. */
    public static void writeRandom(Shape shape, long seed, Path out) throws IOException {
        writeRandom(shape, seed, INIT_STD, out);
    }

    /** As {@link #writeRandom(Shape, long, Path)} with matrices drawn from N(0, std^2). */
    public static void writeRandom(Shape shape, long seed, double std, Path out) throws IOException {
        if (!(std > 0) || Double.isInfinite(std)) {
            throw new IllegalArgumentException("standard deviation must be a positive finite number, got " + std);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        long d = shape.dim;
        long kv = shape.kvDim();
        long h = shape.hiddenDim;
        long L = shape.layers;
        try (AtomicFile f = AtomicFile.create(out)) {
            Sink sink = new Sink(f.channel());
            for (int v : new int[] {shape.dim, shape.hiddenDim, shape.layers, shape.heads, shape.kvHeads,
                    shape.vocabSize, shape.seqLen}) {
                sink.putInt(v);
            }
            sink.gaussian(rnd, std, shape.vocabSize * d);      // token embedding (also the classifier)
            sink.constant(1f, L * d);                      // attention norms
            sink.gaussian(rnd, std, L * d * d);                 // wq
            sink.gaussian(rnd, std, L * kv * d);                // wk
            sink.gaussian(rnd, std, L * kv * d);                // wv
            sink.gaussian(rnd, std, L * d * d);                 // wo
            sink.constant(1f, L * d);                      // ffn norms
            sink.gaussian(rnd, std, L * h * d);                 // w1 (gate)
            sink.gaussian(rnd, std, L * d * h);                 // w2 (down)
            sink.gaussian(rnd, std, L * h * d);                 // w3 (up)
            sink.constant(1f, d);                          // final norm
            freqCis(sink, shape);
            sink.flush();
            f.commit();
        }
    }

    /** The RoPE tables run.c's legacy loader skips: cos then sin of pos * 10000^(-2i/headDim). */
    private static void freqCis(Sink sink, Shape s) throws IOException {
        int half = s.headDim() / 2;
        for (int part = 0; part < 2; part++) {
            for (int pos = 0; pos < s.seqLen; pos++) {
                for (int i = 0; i < half; i++) {
                    double angle = pos / Math.pow(10000.0, (2.0 * i) / s.headDim());
                    sink.putFloat((float) (part == 0 ? Math.cos(angle) : Math.sin(angle)));
                }
            }
        }
    }

    /** A buffered little-endian writer. */
    private static final class Sink {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);

        Sink(FileChannel ch) {
            this.ch = ch;
        }

        void putInt(int v) throws IOException {
            room();
            buf.putInt(v);
        }

        void putFloat(float v) throws IOException {
            room();
            buf.putFloat(v);
        }

        void gaussian(SplittableRandom rnd, double std, long n) throws IOException {
            for (long i = 0; i < n; i++) {
                putFloat((float) (rnd.nextGaussian() * std));
            }
        }

        void constant(float v, long n) throws IOException {
            for (long i = 0; i < n; i++) {
                putFloat(v);
            }
        }

        private void room() throws IOException {
            if (buf.remaining() < 8) {
                flush();
            }
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }
    }
}
