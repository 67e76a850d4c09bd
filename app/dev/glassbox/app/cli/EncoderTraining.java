package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

import dev.glassbox.engine.train.EncoderCorpus;
import dev.glassbox.engine.train.EncoderData;
import dev.glassbox.engine.train.EncoderObjective;
import dev.glassbox.engine.train.EncoderShape;
import dev.glassbox.engine.train.EncoderTrainer;

/** {@code train --objective mlm|nsp|rtd}: the encoder pre-training branch of {@link TrainCommand}. */
final class EncoderTraining {
    /** Stories of the built-in grammar an encoder trains on with --task stories. */
    static final int STORIES = 1000;

    /** Options of the decoder trainer that mean nothing for a BERT encoder. */
    private static final List<String> NOT_FOR_ENCODERS = List.of("--kv-heads", "--attention-only", "--untied",
            "--experts", "--top-k", "--router", "--balance-loss", "--random-routing", "--context", "--gpt2", "--norm",
            "--mlp", "--positions", "--attention-bias", "--no-attention-bias", "--orthogonality", "--freeze", "--init",
            "--tokenizer", "--resume", "--save-every", "--encoder-layers");

    private EncoderTraining() {
    }

    static int run(TrainCommand c, PrintWriter w, EncoderObjective objective) throws Exception {
        var parsed = c.spec.commandLine().getParseResult();
        for (String option : NOT_FOR_ENCODERS) {
            if (parsed.hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " does not apply to --objective " + objective.spelling()
                        + " (a BERT encoder: post-LN, GELU, learned positions)");
            }
        }
        if (c.layers < 1 || c.heads < 1 || c.dim < 1) {
            throw new IllegalArgumentException("--layers, --heads and --dim are required (>= 1)");
        }
        if (c.knowledge != null) {
            return KnowledgeTraining.run(c, w, objective);
        }
        for (String option : new String[] {"--injection", "--held-out"}) {
            if (parsed.hasMatchedOption(option)) throw new IllegalArgumentException(option + " needs --knowledge");
        }
        if (c.source.task != null && !c.source.task.equals("stories")) {
            throw new IllegalArgumentException("--objective " + objective.spelling() + " trains on text: --text-file or "
                    + "--task stories, not --task " + c.source.task);
        }
        EncoderCorpus corpus = c.source.textFile != null ? EncoderCorpus.read(c.source.textFile, c.vocabWords)
                : EncoderCorpus.stories(c.seed, STORIES, c.vocabWords);
        train(c, w, objective, corpus.data(objective, c.seq));
        return 0;
    }

    /** Trains the encoder the command's shape options describe on {@code data} and prints how it ended. */
    static EncoderTrainer.Result train(TrainCommand c, PrintWriter w, EncoderObjective objective, EncoderData data) throws Exception {
        EncoderShape shape = new EncoderShape(data.vocabulary().size(), c.dim, c.hidden > 0 ? c.hidden : 4 * c.dim,
                c.layers, c.heads, c.seq, 2, EncoderShape.BERT_EPS);
        EncoderTrainer.Options o = new EncoderTrainer.Options(objective, shape, data, c.steps, c.batch, c.lr,
                c.warmup >= 0 ? c.warmup : Math.max(1, c.steps / 20), c.weightDecay, c.clip, c.seed, c.evalEvery,
                c.rtdLambda, c.out, c.commandLine());
        EncoderTrainer.Result r = c.train(w, (par, log) -> new EncoderTrainer(o, par, log).run());
        w.printf(Locale.ROOT, "done: %d steps in %.1f s, train loss %.4f, val loss %.4f, %s%n", r.steps(), r.seconds(),
                r.trainLoss(), r.validation().total(), EncoderTrainer.metrics(r.validation()));
        return r;
    }
}
