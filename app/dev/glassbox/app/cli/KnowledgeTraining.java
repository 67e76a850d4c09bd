package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.knowledge.Cloze;
import dev.glassbox.engine.knowledge.Injection;
import dev.glassbox.engine.knowledge.KnowledgeBase;
import dev.glassbox.engine.knowledge.KnowledgeCorpus;
import dev.glassbox.engine.knowledge.KnowledgeModel;
import dev.glassbox.engine.train.EncoderObjective;
import dev.glassbox.engine.train.EncoderTrainer;

/**
 * {@code train --objective mlm --knowledge kb.tsv}: MLM on sentences enhanced with a knowledge base (ROOTS sec. 3.2),
 * and with {@code --held-out} the fact accuracy on held-out cloze sentences injected the same way.
 */
final class KnowledgeTraining {
    private KnowledgeTraining() {
    }

    static int run(TrainCommand c, PrintWriter w, EncoderObjective objective) throws Exception {
        if (objective != EncoderObjective.MLM) {
            throw new IllegalArgumentException("--knowledge trains with --objective mlm (ROOTS sec. 3.2), not " + objective.spelling());
        }
        if (c.source.textFile == null) {
            throw new IllegalArgumentException("--knowledge needs --text-file: sentences one a line (make-world writes train.txt)");
        }
        Injection injection = Injection.parse(c.injection);
        KnowledgeBase kb = KnowledgeBase.read(c.knowledge);
        List<Cloze> heldOut = c.heldOut == null ? null : Cloze.read(c.heldOut);
        KnowledgeCorpus corpus = KnowledgeCorpus.read(c.source.textFile, kb, injection, c.seq, c.vocabWords);
        if (heldOut != null) corpus.clozeExamples(heldOut); // a held-out answer the vocabulary cannot score fails before training
        EncoderTrainer.Result r = EncoderTraining.train(c, w, objective, corpus.data());
        double acc = Double.NaN;
        if (heldOut != null) {
            acc = corpus.factAccuracy(r.models(), heldOut);
            w.printf(Locale.ROOT, "fact accuracy: %.3f on %d held-out facts (injection %s)%n", acc, heldOut.size(), injection.id());
        }
        Map<String, Object> more = KnowledgeModel.trainedOn(c.knowledge, c.heldOut, heldOut == null ? 0 : heldOut.size(), acc);
        if (c.out != null) {
            // the checkpoint folder was checked before training and just written by Glassbox
            KnowledgeModel.write(OutputFolder.check(c.out, "--out", true), kb, injection, c.seq, more);
        }
        return 0;
    }
}
