package dev.glassbox.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.glassbox.engine.model.ExpertRouter;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.train.RoutingDesign;
import dev.glassbox.engine.train.ContextTraining;
import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.BpeLearner;
import dev.glassbox.engine.train.CharTokenizer;
import dev.glassbox.engine.train.Checkpoint;
import dev.glassbox.engine.train.Freezing;
import dev.glassbox.engine.train.ModelShape;
import dev.glassbox.engine.train.Regime;
import dev.glassbox.engine.train.SyntheticTask;
import dev.glassbox.engine.train.TaskData;
import dev.glassbox.engine.train.TextData;
import dev.glassbox.engine.train.TrainOptions;
import dev.glassbox.engine.train.Trainer;
import dev.glassbox.engine.train.TrainingData;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a small Llama-style decoder (or, with --objective mlm|nsp|rtd, a BERT encoder) on a synthetic task or a text file and save it in Hugging Face layout.")
public final class TrainCommand extends ConsoleCommand {

    static final class Source {
        @Option(names = "--task", description = "copy, reverse, sort, induction, passkey, brackets, stories")
        String task;

        @Option(names = "--text-file", converter = Converters.InputFile.class, description = "a UTF-8 text file, tokenised by characters or BPE (--tokenizer)")
        Path textFile;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--layers", converter = Converters.NonNegative.class, defaultValue = "0", description = "transformer blocks (required unless --init)")
    int layers;

    @Option(names = "--heads", converter = Converters.NonNegative.class, defaultValue = "0", description = "attention heads (required unless --init)")
    int heads;

    @Option(names = "--kv-heads", converter = Converters.NonNegative.class, defaultValue = "0", description = "key/value heads for grouped-query attention (default: --heads)")
    int kvHeads;

    @Option(names = "--dim", converter = Converters.NonNegative.class, defaultValue = "0", description = "model width (required unless --init)")
    int dim;

    @Option(names = "--hidden", converter = Converters.NonNegative.class, defaultValue = "0", description = "MLP width (default about 8/3 of --dim for SwiGLU, 4 x --dim for GELU)")
    int hidden;

    @Option(names = "--attention-only", description = "blocks without MLP")
    boolean attentionOnly;

    @Option(names = "--untied", description = "separate unembedding matrix (lm_head) instead of the token embedding")
    boolean untied;

    @Option(names = "--seq", converter = Converters.Positive.class, defaultValue = "128", description = "context length (default ${DEFAULT-VALUE})")
    int seq;

    @Option(names = "--batch", converter = Converters.Positive.class, defaultValue = "16", description = "sequences per step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", converter = Converters.LearningRate.class, defaultValue = "3e-3", description = "peak learning rate (default ${DEFAULT-VALUE})")
    float lr;

    @Option(names = "--warmup", converter = Converters.CountOrDefault.class, defaultValue = "-1", description = "warm-up steps (default 5%% of --steps)")
    int warmup;

    @Option(names = "--weight-decay", converter = Converters.NonNegativeNumber.class, defaultValue = "0.1", description = "AdamW weight decay (default ${DEFAULT-VALUE})")
    float weightDecay;

    @Option(names = "--clip", converter = Converters.NonNegativeNumber.class, defaultValue = "1.0", description = "global gradient-norm clip, 0 = off (default ${DEFAULT-VALUE})")
    float clip;

    @Option(names = "--steps", converter = Converters.Positive.class, defaultValue = "1000", description = "optimizer steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--eval-every", converter = Converters.Positive.class, defaultValue = "50", description = "steps between progress lines with validation loss (default ${DEFAULT-VALUE})")
    int evalEvery;

    @Option(names = "--save-every", converter = Converters.NonNegative.class, defaultValue = "0", description = "steps between checkpoints, 0 = at the end only")
    int saveEvery;

    @Option(names = "--resume", description = "continue from the checkpoint in --out (weights, optimizer state, step)")
    boolean resume;

    @Option(names = "--experts", converter = Converters.NonNegative.class, defaultValue = "0", description = "mixture-of-experts MLP with this many SwiGLU experts, saved as Mixtral (0 = dense)")
    int experts;

    @Option(names = "--top-k", converter = Converters.Positive.class, defaultValue = "1", description = "experts per token (1 = Switch, 2 = Mixtral; default ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--router", defaultValue = "topk", description = "topk (learned), hash (token id -> expert) or random (default ${DEFAULT-VALUE})")
    String router;

    @Option(names = "--balance-loss", converter = Converters.NonNegativeNumber.class, defaultValue = "0.01", description = "alpha of the Switch load-balancing loss (default ${DEFAULT-VALUE})")
    float balanceLoss;

    @Option(names = "--random-routing", converter = Converters.Probability.class, defaultValue = "0", description = "probability p that a layer's output jumps to a random later layer while training (default ${DEFAULT-VALUE})")
    float randomRouting;

    @Option(names = "--threads", converter = Converters.NonNegative.class, defaultValue = "0", description = "worker threads (default: all cores)")
    int threads;

    @Option(names = "--out", required = true, description = "checkpoint folder (written atomically): new, empty or a checkpoint Glassbox wrote (else --force)")
    Path out;

    @Option(names = "--encoder-layers", converter = Converters.NonNegative.class, defaultValue = "0",
            description = "train an encoder-decoder with this many encoder blocks (--layers = decoder blocks) on copy, reverse or sort")
    int encoderLayers;
    @Option(names = "--context", converter = Converters.ContextMethod.class, defaultValue = "full", paramLabel = "SPEC",
            description = "attention span while training, in context-compare's --method syntax: full, sliding:W=16, "
                    + "longformer:w=16,global=[0], xl:segment=32,memory=32, compressive:memory=16,compressed=8,rate=4 "
                    + "(fn=mean, or fn=conv: a learned convolution trained by the attention-reconstruction loss), rosa:B=8 (default ${DEFAULT-VALUE}); recorded in config.json as the model's native method")
    String context;

    @Option(names = "--gpt2", description = "GPT-2 blocks: LayerNorm, GELU MLP, learned positions, attention biases; saved as model_type gpt2")
    boolean gpt2;

    @Option(names = "--norm", paramLabel = "rms|layer", description = "RMSNorm (default) or LayerNorm with bias; only the Llama defaults or the full --gpt2 set can be saved")
    String norm;

    @Option(names = "--mlp", paramLabel = "swiglu|gelu", description = "SwiGLU MLP (default) or GPT-2's tanh-GELU MLP with biases")
    String mlp;

    @Option(names = "--positions", paramLabel = "rope|learned|xl-relative", description = "rotary (default), learned absolute position embeddings, or Transformer-XL relative positions (Dai et al. 2019)")
    String positions;

    @Option(names = "--attention-bias", negatable = true, description = "biases on the q/k/v/output projections (default: on with --gpt2)")
    Boolean attentionBias;

    @Option(names = "--orthogonality", converter = Converters.NonNegativeDouble.class, defaultValue = "0", paramLabel = "LAMBDA",
            description = "ROOTS inter-head orthogonality penalty lambda * sum_{i!=j} ||W_i^T W_j||_F^2 on Q, K, V, O (default 0 = off)")
    double orthogonality;

    @Option(names = "--freeze", converter = Converters.Freeze.class, defaultValue = "none", paramLabel = "GROUPS",
            description = "frozen layer groups: none, a list of block indices / embeddings / head (e.g. 0,1 or embeddings), "
                    + "or progressive:K (ULMFiT gradual unfreezing from the top, one more group every K steps)")
    String freeze;

    @Option(names = "--init", paramLabel = "DIR",
            description = "fine-tune from this checkpoint: its shape, block design and vocabulary replace --layers, --heads, --dim, ...")
    Path init;

    @Option(names = "--tokenizer", converter = Converters.TokenizerSpec.class, defaultValue = "char", paramLabel = "char|bpe:N",
            description = "for --text-file: one token per character (default), or BPE merges learned from the text up to N pieces")
    String tokenizer;

    @Option(names = "--objective", defaultValue = "causal", paramLabel = "causal|mlm|nsp|rtd",
            description = "causal LM (default), or pre-train a BERT encoder: mlm (masked LM), nsp (BERT's MLM + next sentence), "
                    + "rtd (ELECTRA replaced-token detection; the discriminator is saved)")
    String objective;

    @Option(names = "--vocab-words", converter = Converters.NonNegative.class, defaultValue = "1000",
            description = "encoder objectives: whole words in the WordPiece vocabulary besides the characters (default ${DEFAULT-VALUE})")
    int vocabWords;

    @Option(names = "--rtd-lambda", converter = Converters.NonNegativeNumber.class, defaultValue = "50",
            description = "rtd: weight of the discriminator loss (ELECTRA's lambda, default ${DEFAULT-VALUE})")
    float rtdLambda;

    @Option(names = "--knowledge", paramLabel = "KB.tsv",
            description = "mlm: inject this knowledge base's triples (subject<TAB>relation<TAB>object) into each sentence of"
                    + " --text-file (one a line), ROOTS sec. 3.2; make-world writes one")
    Path knowledge;

    @Option(names = "--injection", defaultValue = "append", paramLabel = "append|kbert|none",
            description = "with --knowledge: append [KB] s r o [/KB] after the sentence (default), kbert (K-BERT: after the"
                    + " entity, soft positions, visible matrix), or none (same vocabulary and sentences, no triples)")
    String injection;

    @Option(names = "--held-out", paramLabel = "CLOZE.tsv",
            description = "with --knowledge: held-out cloze sentences (make-world's heldout.tsv) to measure fact accuracy on")
    Path heldOut;

    @Mixin
    ForceOption output;

    /** --gpt2 or the Llama defaults, with any of --norm, --mlp, --positions, --attention-bias overriding a part. */
    BlockDesign design() {
        BlockDesign d = gpt2 ? BlockDesign.GPT2 : BlockDesign.LLAMA;
        if (norm != null) d = d.withNorm(BlockDesign.parse(BlockDesign.Norm.class, "--norm", norm));
        if (mlp != null) d = d.withMlp(BlockDesign.parse(BlockDesign.Mlp.class, "--mlp", mlp));
        if (positions != null) d = d.withPositions(BlockDesign.parse(BlockDesign.Positions.class, "--positions", positions));
        if (attentionBias != null) d = d.withAttentionBias(attentionBias);
        return d;
    }

    /** The balance loss applies to learned routers only (hash and random routers have no weights to balance). */
    private RoutingDesign routing() {
        ExpertRouter.Kind kind = ExpertRouter.Kind.parse(router);
        return new RoutingDesign(experts, topK, kind, experts > 0 && kind.learned() ? balanceLoss : 0f, randomRouting);
    }

    @Override
    int run(PrintWriter w) throws Exception {
        // before any work: a refused --out must not cost a training run
        Checkpoint.folder(out, "--out", output.force, ForceOption.existing(ForceOption.input("--init", init),
                ForceOption.input("--text-file", source.textFile), ForceOption.input("--knowledge", knowledge),
                ForceOption.input("--held-out", heldOut)));
        if (!objective.equalsIgnoreCase("causal")) {
            return EncoderTraining.run(this, w, dev.glassbox.engine.train.EncoderObjective.parse("--objective", objective));
        }
        for (String encoderOnly : new String[] {"--vocab-words", "--rtd-lambda", "--knowledge", "--injection", "--held-out"}) {
            if (spec.commandLine().getParseResult().hasMatchedOption(encoderOnly)) {
                throw new IllegalArgumentException(encoderOnly + " applies to --objective mlm, nsp or rtd only");
            }
        }
        if (encoderLayers > 0) {
            return Seq2SeqTraining.run(this, w);
        }
        Regime regime = new Regime(orthogonality, Freezing.parse(freeze), init);
        Checkpoint.Restored from = init == null ? null : Checkpoint.read(init, Parallel.SERIAL);
        ModelShape start = from == null ? null : from.model().shape();
        CharTokenizer vocab = from == null ? null : from.tokenizer();
        if (start == null && (layers < 1 || heads < 1 || dim < 1)) {
            throw new IllegalArgumentException("--layers, --heads and --dim are required (>= 1) unless --init gives the model");
        }
        Integer bpe = BpeLearner.parseSpec(tokenizer);
        if (bpe != null && (source.textFile == null || vocab != null)) {
            throw new IllegalArgumentException("--tokenizer bpe:N applies to --text-file without --init (tasks and "
                    + "fine-tuning use their own vocabulary)");
        }
        Function<String, CharTokenizer> tokenizerOf = vocab != null ? text -> vocab
                : bpe != null ? text -> BpeLearner.learn(text, bpe) : CharTokenizer::of;
        TrainingData data = source.task != null
                ? (vocab == null ? new TaskData(SyntheticTask.parse(source.task)) : new TaskData(SyntheticTask.parse(source.task), vocab))
                : TextData.read(source.textFile, seq, tokenizerOf);
        if (bpe != null) {
            w.printf(Locale.ROOT, "BPE: %d merges learned, vocabulary %d of the %d asked%s%n", data.tokenizer().merges().size(),
                    data.tokenizer().vocabSize(), bpe, data.tokenizer().vocabSize() < bpe ? " (no pair occurs twice any more)" : "");
        }
        String command = commandLine();
        TrainOptions o = start == null
                ? new TrainOptions(data, layers, heads, kvHeads > 0 ? kvHeads : heads, dim, hidden, attentionOnly,
                        !untied, seq, batch, lr, steps, warmup, seed, weightDecay, clip, evalEvery, saveEvery, resume, out, command)
                        .withDesign(design())
                : new TrainOptions(data, start.layers(), start.heads(), start.kvHeads(), start.dim(), start.hidden(),
                        start.attentionOnly(), start.tied(), seq, batch, lr, steps, warmup, seed, weightDecay, clip, evalEvery,
                        saveEvery, resume, out, command).withDesign(start.design());
        o = o.withRegime(regime)
                .withRouting(start != null ? start.routing() : routing())
                .withContext(start != null ? start.context() : ContextTraining.parse(context, seq));
        TrainOptions options = o;
        Trainer.Result r = train(w, (par, log) -> new Trainer(options, par, log).run());
        w.printf(Locale.ROOT, "done: %d steps in %.1f s, train loss %.4f, val loss %.4f, %,.0f tokens/s%n",
                r.steps(), r.seconds(), r.trainLoss(), r.valLoss(), r.tokensPerSecond());
        return 0;
    }

    /** A training run on a worker pool, reporting progress lines. */
    interface Run<R> {
        R run(Parallel par, Consumer<String> log) throws IOException;
    }

    /** Runs {@code run} on --threads workers (default: all cores), printing each progress line as it comes. */
    <R> R train(PrintWriter w, Run<R> run) throws IOException {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        try (Parallel par = new Parallel(n)) {
            return run.run(par, line -> {
                w.println(line);
                w.flush();
            });
        }
    }

    /** The command line as given, recorded in the checkpoint. */
    String commandLine() {
        return String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }
}
