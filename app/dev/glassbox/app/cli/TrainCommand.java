package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.glassbox.engine.routing.ExpertRouter;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.train.RoutingDesign;
import dev.glassbox.engine.train.SyntheticTask;
import dev.glassbox.engine.train.TaskData;
import dev.glassbox.engine.train.TextData;
import dev.glassbox.engine.train.TrainOptions;
import dev.glassbox.engine.train.Trainer;
import dev.glassbox.engine.train.TrainingData;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a small Llama-style decoder on a synthetic task or a text file and save it in Hugging Face layout.")
public final class TrainCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--task", description = "copy, reverse, sort, induction, passkey, brackets, stories")
        String task;

        @Option(names = "--text-file", description = "a UTF-8 text file, tokenised by characters")
        Path textFile;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--layers", required = true, description = "transformer blocks")
    int layers;

    @Option(names = "--heads", required = true, description = "attention heads")
    int heads;

    @Option(names = "--kv-heads", defaultValue = "0", description = "key/value heads for grouped-query attention (default: --heads)")
    int kvHeads;

    @Option(names = "--dim", required = true, description = "model width")
    int dim;

    @Option(names = "--hidden", defaultValue = "0", description = "SwiGLU width (default about 8/3 of --dim)")
    int hidden;

    @Option(names = "--attention-only", description = "blocks without MLP")
    boolean attentionOnly;

    @Option(names = "--untied", description = "separate unembedding matrix (lm_head) instead of the token embedding")
    boolean untied;

    @Option(names = "--seq", defaultValue = "128", description = "context length (default ${DEFAULT-VALUE})")
    int seq;

    @Option(names = "--batch", defaultValue = "16", description = "sequences per step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", defaultValue = "3e-3", description = "peak learning rate (default ${DEFAULT-VALUE})")
    float lr;

    @Option(names = "--warmup", defaultValue = "-1", description = "warm-up steps (default 5% of --steps)")
    int warmup;

    @Option(names = "--weight-decay", defaultValue = "0.1", description = "AdamW weight decay (default ${DEFAULT-VALUE})")
    float weightDecay;

    @Option(names = "--clip", defaultValue = "1.0", description = "global gradient-norm clip, 0 = off (default ${DEFAULT-VALUE})")
    float clip;

    @Option(names = "--steps", defaultValue = "1000", description = "optimizer steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--eval-every", defaultValue = "50", description = "steps between progress lines with validation loss (default ${DEFAULT-VALUE})")
    int evalEvery;

    @Option(names = "--save-every", defaultValue = "0", description = "steps between checkpoints, 0 = at the end only")
    int saveEvery;

    @Option(names = "--resume", description = "continue from the checkpoint in --out (weights, optimizer state, step)")
    boolean resume;

    @Option(names = "--experts", defaultValue = "0", description = "mixture-of-experts MLP with this many SwiGLU experts, saved as Mixtral (0 = dense)")
    int experts;

    @Option(names = "--top-k", defaultValue = "1", description = "experts per token (1 = Switch, 2 = Mixtral; default ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--router", defaultValue = "topk", description = "topk (learned), hash (token id -> expert) or random (default ${DEFAULT-VALUE})")
    String router;

    @Option(names = "--balance-loss", defaultValue = "0.01", description = "alpha of the Switch load-balancing loss (default ${DEFAULT-VALUE})")
    float balanceLoss;

    @Option(names = "--random-routing", defaultValue = "0", description = "probability p that a layer's output jumps to a random later layer while training (default ${DEFAULT-VALUE})")
    float randomRouting;

    @Option(names = "--threads", defaultValue = "0", description = "worker threads (default: all cores)")
    int threads;

    @Option(names = "--out", required = true, description = "checkpoint folder (written atomically)")
    Path out;

    @Spec
    CommandSpec spec;

    /** The balance loss applies to learned routers only (hash and random routers have no weights to balance). */
    private RoutingDesign routing() {
        ExpertRouter.Kind kind = ExpertRouter.Kind.parse(router);
        return new RoutingDesign(experts, topK, kind, experts > 0 && kind.learned() ? balanceLoss : 0f, randomRouting);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        TrainingData data = source.task != null ? new TaskData(SyntheticTask.parse(source.task))
                : TextData.read(source.textFile, seq);
        String command = String.join(" ", spec.commandLine().getParseResult().originalArgs());
        TrainOptions o = new TrainOptions(data, layers, heads, kvHeads > 0 ? kvHeads : heads, dim, hidden, attentionOnly,
                !untied, seq, batch, lr, steps, warmup, seed, weightDecay, clip, evalEvery, saveEvery, resume, out, command)
                .withRouting(routing());
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        try (Parallel par = new Parallel(n)) {
            Trainer.Result r = new Trainer(o, par, line -> {
                w.println(line);
                w.flush();
            }).run();
            w.printf(Locale.ROOT, "done: %d steps in %.1f s, train loss %.4f, val loss %.4f, %,.0f tokens/s%n",
                    r.steps(), r.seconds(), r.trainLoss(), r.valLoss(), r.tokensPerSecond());
        }
        return 0;
    }
}
