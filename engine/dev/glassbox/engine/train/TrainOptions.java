package dev.glassbox.engine.train;

import java.nio.file.Path;

/**
 * Everything one training run needs.
 *
 * @param hidden    MLP width, 0 = about 8/3 dim rounded to 16 for SwiGLU (Llama's choice), 4 dim for GELU (GPT-2's)
 * @param warmup    warm-up steps, -1 = 5% of the steps
 * @param evalEvery steps between validation passes and progress lines
 * @param saveEvery steps between checkpoints (0 = only at the end)
 * @param resume    continue from the checkpoint in {@code out} if there is one
 * @param command   the command line, recorded in training.json
 */
public record TrainOptions(TrainingData data, int layers, int heads, int kvHeads, int dim, int hidden,
                           boolean attentionOnly, boolean tied, int seq, int batch, float lr, int steps, int warmup,
                           long seed, float weightDecay, float clip, int evalEvery, int saveEvery, boolean resume,
                           Path out, String command, BlockDesign design, RoutingDesign routing, ContextTraining context,
                           Regime regime) {

    /** A Llama-style dense model with full attention, trained without extras. */
    public TrainOptions(TrainingData data, int layers, int heads, int kvHeads, int dim, int hidden,
                        boolean attentionOnly, boolean tied, int seq, int batch, float lr, int steps, int warmup,
                        long seed, float weightDecay, float clip, int evalEvery, int saveEvery, boolean resume,
                        Path out, String command) {
        this(data, layers, heads, kvHeads, dim, hidden, attentionOnly, tied, seq, batch, lr, steps, warmup, seed,
                weightDecay, clip, evalEvery, saveEvery, resume, out, command, BlockDesign.LLAMA, RoutingDesign.DENSE,
                ContextTraining.FULL, Regime.PLAIN);
    }

    public TrainOptions {
        java.util.Objects.requireNonNull(design, "design");
        java.util.Objects.requireNonNull(routing, "routing");
        java.util.Objects.requireNonNull(context, "context");
        java.util.Objects.requireNonNull(regime, "regime");
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (seq < 2) throw new IllegalArgumentException("--seq must be >= 2, got " + seq);
        if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        if (evalEvery < 1) throw new IllegalArgumentException("--eval-every must be >= 1, got " + evalEvery);
    }

    /** Defaults for everything but the data and the model size. */
    public static TrainOptions of(TrainingData data, int layers, int heads, int dim, int seq, int batch, int steps, long seed) {
        return new TrainOptions(data, layers, heads, heads, dim, 0, false, true, seq, batch, 3e-3f, steps, -1, seed,
                0.1f, 1f, Math.max(1, steps / 10), 0, false, null, "");
    }

    public TrainOptions withAttentionOnly(boolean on) { return copy(on, lr, out, design, routing, context, regime); }

    public TrainOptions withLr(float rate) { return copy(attentionOnly, rate, out, design, routing, context, regime); }

    public TrainOptions withOut(Path dir) { return copy(attentionOnly, lr, dir, design, routing, context, regime); }

    public TrainOptions withDesign(BlockDesign d) { return copy(attentionOnly, lr, out, d, routing, context, regime); }

    public TrainOptions withRouting(RoutingDesign r) { return copy(attentionOnly, lr, out, design, r, context, regime); }

    public TrainOptions withContext(ContextTraining c) { return copy(attentionOnly, lr, out, design, routing, c, regime); }

    public TrainOptions withRegime(Regime r) { return copy(attentionOnly, lr, out, design, routing, context, r); }

    /** These options with the parts the withers replace given anew. */
    private TrainOptions copy(boolean attentionOnly, float lr, Path out, BlockDesign design, RoutingDesign routing,
                              ContextTraining context, Regime regime) {
        return new TrainOptions(data, layers, heads, kvHeads, dim, hidden, attentionOnly, tied, seq, batch, lr, steps, warmup,
                seed, weightDecay, clip, evalEvery, saveEvery, resume, out, command, design, routing, context, regime);
    }

    public ModelShape shape() {
        // GPT-2's MLP is 4 dim wide; SwiGLU's about 8/3 dim keeps the parameter count (Shazeer 2020, sec. 2)
        int h = hidden > 0 ? hidden : design.mlp() == BlockDesign.Mlp.GELU ? 4 * dim : Math.max(16, (8 * dim / 3 + 15) / 16 * 16);
        return new ModelShape(data.tokenizer().vocabSize(), dim, h, layers, heads, kvHeads, seq, attentionOnly, tied,
                ModelShape.DEFAULT_EPS, ModelShape.DEFAULT_THETA, design, routing, context);
    }

    public int warmupSteps() {
        return warmup >= 0 ? warmup : Math.max(1, steps / 20);
    }
}
