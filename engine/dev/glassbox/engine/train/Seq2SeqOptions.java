package dev.glassbox.engine.train;

import java.nio.file.Path;

/**
 * One encoder-decoder training run.
 *
 * @param warmup     warm-up steps, -1 = 5% of the steps
 * @param evalEvery  steps between validation passes and progress lines
 * @param validation number of held-out pairs for the validation loss and the exact-match accuracy
 * @param command    the command line, recorded in training.json
 * @param saveEvery  steps between checkpoints (0 = only at the end)
 * @param resume     continue from the checkpoint in {@code out} if there is one (weights, optimizer state, step)
 */
public record Seq2SeqOptions(Seq2SeqData data, Seq2SeqShape shape, int batch, float lr, int steps, int warmup,
                             long seed, float weightDecay, float clip, int evalEvery, int validation, Path out,
                             String command, int saveEvery, boolean resume) {

    /** A run that starts from fresh weights and saves only at the end. */
    public Seq2SeqOptions(Seq2SeqData data, Seq2SeqShape shape, int batch, float lr, int steps, int warmup, long seed,
                          float weightDecay, float clip, int evalEvery, int validation, Path out, String command) {
        this(data, shape, batch, lr, steps, warmup, seed, weightDecay, clip, evalEvery, validation, out, command, 0, false);
    }

    public Seq2SeqOptions {
        java.util.Objects.requireNonNull(data, "data");
        java.util.Objects.requireNonNull(shape, "shape");
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        if (evalEvery < 1) throw new IllegalArgumentException("--eval-every must be >= 1, got " + evalEvery);
        if (saveEvery < 0) throw new IllegalArgumentException("--save-every must be >= 0, got " + saveEvery);
        if (validation < 1) throw new IllegalArgumentException("validation set must hold >= 1 pair, got " + validation);
        if (shape.vocab() != data.tokenizer().vocabSize()) {
            throw new IllegalArgumentException("shape vocabulary " + shape.vocab() + " differs from the data's "
                    + data.tokenizer().vocabSize());
        }
    }

    /** The longest strings of the copy/reverse/sort generators (9 letters) plus markers, with room to spare. */
    public static final int MAX_LENGTH = 16;

    /** A Llama-style shape for {@code data}: SwiGLU width about 8/3 dim rounded to 16, sequences up to {@link #MAX_LENGTH}. */
    public static Seq2SeqShape shape(Seq2SeqData data, int dim, int hidden, int encoderLayers, int decoderLayers, int heads) {
        int h = hidden > 0 ? hidden : Math.max(16, (8 * dim / 3 + 15) / 16 * 16);
        return new Seq2SeqShape(data.tokenizer().vocabSize(), dim, h, encoderLayers, decoderLayers, heads,
                MAX_LENGTH, MAX_LENGTH, ModelShape.DEFAULT_EPS, ModelShape.DEFAULT_THETA);
    }

    /** Defaults for everything but the data and the model size. */
    public static Seq2SeqOptions of(Seq2SeqData data, int encoderLayers, int decoderLayers, int heads, int dim,
                                    int batch, int steps, long seed) {
        return new Seq2SeqOptions(data, shape(data, dim, 0, encoderLayers, decoderLayers, heads), batch, 3e-3f, steps,
                -1, seed, 0.1f, 1f, Math.max(1, steps / 10), 256, null, "");
    }

    public Seq2SeqOptions withOut(Path dir) {
        return new Seq2SeqOptions(data, shape, batch, lr, steps, warmup, seed, weightDecay, clip, evalEvery, validation,
                dir, command, saveEvery, resume);
    }

    public Seq2SeqOptions withResume(boolean on, int every) {
        return new Seq2SeqOptions(data, shape, batch, lr, steps, warmup, seed, weightDecay, clip, evalEvery, validation,
                out, command, every, on);
    }

    public int warmupSteps() {
        return warmup >= 0 ? warmup : Math.max(1, steps / 20);
    }
}
