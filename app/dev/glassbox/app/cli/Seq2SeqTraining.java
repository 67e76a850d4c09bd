package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.util.Locale;

import dev.glassbox.engine.train.Seq2SeqData;
import dev.glassbox.engine.train.Seq2SeqOptions;
import dev.glassbox.engine.train.Seq2SeqTrainer;
import dev.glassbox.engine.train.SyntheticTask;

/** {@code train --encoder-layers N}: the encoder-decoder branch of {@link TrainCommand}. */
final class Seq2SeqTraining {
    private Seq2SeqTraining() {
    }

    static int run(TrainCommand c, PrintWriter w) throws Exception {
        if (c.source.task == null) {
            throw new IllegalArgumentException("--encoder-layers trains on --task copy, reverse or sort, not on a text file");
        }
        String unsupported = c.attentionOnly ? "--attention-only" : c.untied ? "--untied"
                : c.kvHeads > 0 && c.kvHeads != c.heads ? "--kv-heads" : null;
        if (unsupported != null) {
            throw new IllegalArgumentException(unsupported + " is not available for the encoder-decoder (--encoder-layers)");
        }
        Seq2SeqData data = new Seq2SeqData(SyntheticTask.parse(c.source.task));
        String command = c.commandLine();
        Seq2SeqOptions o = new Seq2SeqOptions(data, Seq2SeqOptions.shape(data, c.dim, c.hidden, c.encoderLayers, c.layers,
                c.heads), c.batch, c.lr, c.steps, c.warmup, c.seed, c.weightDecay, c.clip, c.evalEvery, 512, c.out, command,
                c.saveEvery, c.resume);
        Seq2SeqTrainer.Result r = c.train(w, (par, log) -> new Seq2SeqTrainer(o, par, log).run());
        w.printf(Locale.ROOT, "done: %d steps in %.1f s, train loss %.4f, val loss %.4f, exact match %.1f%%%n",
                r.steps(), r.seconds(), r.trainLoss(), r.valLoss(), 100 * r.accuracy());
        return 0;
    }
}
