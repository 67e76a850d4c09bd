package dev.glassbox.engine.format.gguf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.F32Tensor;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Quantize;
import dev.glassbox.engine.tensor.Tensor;

/**
 * Seeded random-weight models of published shapes written as GGUF with Q8_0 matrices, for memory and speed
 * benchmarks at real sizes (only the shape matters). Matrices are drawn from N(0, 0.02^2) as
 * {@link dev.glassbox.engine.format.Llama2cWriter} does, norms are 1, q/k/v biases N(0, 0.02^2). The file holds no
 * tokenizer: load it with {@code --tokenizer} (any tokenizer whose ids fit the vocabulary).
 */
public final class RandomGguf {
    static final double INIT_STD = 0.02;

    /** A shape as the model's Hugging Face config.json gives it. */
    public record Shape(String name, Architecture architecture, int dim, int hiddenDim, int layers, int heads,
                        int kvHeads, int vocabSize, int contextLength, boolean tiedEmbeddings, float ropeTheta,
                        float normEps) {

        /** Qwen/Qwen2.5-0.5B: q/k/v biases, tied embeddings. */
        public static final Shape QWEN2_5_0_5B = new Shape("qwen2.5-0.5b", Architecture.QWEN2, 896, 4864, 24, 14, 2,
                151936, 32768, true, 1_000_000f, 1e-6f);
        /** TinyLlama/TinyLlama-1.1B. */
        public static final Shape TINYLLAMA_1_1B = new Shape("tinyllama-1.1b", Architecture.LLAMA, 2048, 5632, 22, 32, 4,
                32000, 2048, false, 10_000f, 1e-5f);
        public static final List<Shape> ALL = List.of(QWEN2_5_0_5B, TINYLLAMA_1_1B);

        /** The shape called {@code name} (any case), or null. */
        public static Shape named(String name) {
            for (Shape s : ALL) {
                if (s.name.equalsIgnoreCase(name.toLowerCase(Locale.ROOT))) return s;
            }
            return null;
        }

        ModelConfig config() {
            return new ModelConfig(architecture, dim, hiddenDim, layers, heads, kvHeads, dim / heads, vocabSize,
                    contextLength, normEps, ropeTheta, architecture == Architecture.QWEN2 ? RopeStyle.HALF : RopeStyle.INTERLEAVED);
        }
    }

    private RandomGguf() {
    }

    /** Writes a random model of {@code shape} to {@code out} (atomically, as GgufWriter does); the same seed gives the same file. */
    public static void write(Shape shape, long seed, Path out) throws IOException {
        GgufWriter.write(model(shape, seed), null, shape.name() + "-random", out);
    }

    /** The random model itself, Q8_0 matrices held in memory (one float matrix at a time while it is drawn). */
    public static LlamaModel model(Shape shape, long seed) {
        ModelConfig c = shape.config();
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean bias = shape.architecture() == Architecture.QWEN2;
        LlamaModel.Layer[] layers = new LlamaModel.Layer[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            layers[l] = new LlamaModel.Layer(ones(c.dim()), matrix(rnd, c.qDim(), c.dim()), matrix(rnd, c.kvDim(), c.dim()),
                    matrix(rnd, c.kvDim(), c.dim()), matrix(rnd, c.dim(), c.qDim()),
                    bias ? gaussian(rnd, c.qDim()) : null, bias ? gaussian(rnd, c.kvDim()) : null,
                    bias ? gaussian(rnd, c.kvDim()) : null, ones(c.dim()),
                    matrix(rnd, c.hiddenDim(), c.dim()), matrix(rnd, c.hiddenDim(), c.dim()), matrix(rnd, c.dim(), c.hiddenDim()));
        }
        Tensor embedding = matrix(rnd, c.vocabSize(), c.dim());
        Tensor output = shape.tiedEmbeddings() ? embedding : matrix(rnd, c.vocabSize(), c.dim());
        return new LlamaModel(c, new LlamaModel.Weights(embedding, layers, ones(c.dim()), output), Parallel.SERIAL);
    }

    private static Tensor matrix(SplittableRandom rnd, int rows, int cols) {
        return Quantize.q8_0(F32Tensor.of(gaussian(rnd, rows * cols), rows, cols));
    }

    private static float[] gaussian(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * INIT_STD);
        return v;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}
