package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.knowledge.Cloze;
import dev.glassbox.engine.knowledge.InjectedInput;
import dev.glassbox.engine.knowledge.Injection;
import dev.glassbox.engine.knowledge.KnowledgeCorpus;
import dev.glassbox.engine.knowledge.KnowledgeModel;
import dev.glassbox.engine.knowledge.SyntheticWorld;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.train.EncoderObjective;
import dev.glassbox.engine.train.EncoderShape;
import dev.glassbox.engine.train.EncoderTrainer;
import dev.glassbox.visuals.AttentionMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The explorer's encoder run on a model trained with K-BERT injection: the prompt is read with its triples and mask. */
class KnowledgeRunTest {
    @TempDir
    Path tmp;

    @org.junit.jupiter.api.BeforeAll
    static void toolkit() throws Exception {
        org.testfx.api.FxToolkit.registerPrimaryStage(); // a RunTask is a JavaFX Task
    }

    @Test
    void aKBertModelReadsThePromptWithItsBranchesAndTheMapsCarryTheVisibleMatrix() throws Exception {
        SyntheticWorld.World w = SyntheticWorld.generate(3, 6, 0.5);
        KnowledgeCorpus corpus = KnowledgeCorpus.of(w.train(), w.kb(), new Injection.KBert(), 40, 1000, "world");
        var data = corpus.data();
        EncoderShape shape = new EncoderShape(data.vocabulary().size(), 16, 32, 1, 2, 40, 2, EncoderShape.BERT_EPS);
        Path dir = tmp.resolve("m");
        var o = EncoderTrainer.Options.of(EncoderObjective.MLM, shape, data, 1, 2, 1e-3f, 1).withOut(dir, "test");
        new EncoderTrainer(o, Parallel.SERIAL, s -> { }).run();
        KnowledgeModel.write(OutputFolder.check(dir, "--out", false), w.kb(), new Injection.KBert(), 40, Map.of());

        LoadedModel m = ModelLoader.load(dir, null, Parallel.SERIAL);
        Cloze c = w.heldOut().get(0);
        RunTask task = new RunTask(new RunRequest(m, m.tokenizer().encode(c.sentence()), Generation.Settings.greedy(0)), l -> { }, null);
        RunOutcome out = task.call();
        InjectedInput in = out.knowledge();
        assertNotNull(in);
        assertEquals(in.length(), out.tokens().length);
        assertTrue(in.triples().size() >= 4, "the person's triples: " + in.triples());
        assertTrue(in.triples().stream().anyMatch(t -> t.object().equals(c.answer()) && t.subject().equals(c.subject())));
        AttentionRows rows = new AttentionRows(1);
        rows.update(out.trace());
        var grid = TraceViews.build(rows, out.tokens(), m.tokenizer(), 1, 2, true, out.visible());
        AttentionMatrix head = grid.rows().get(0).cells().get(0);
        assertTrue(head.visible() != null);
        int word = 0; // the first sentence token outside the entity
        while (in.roles()[word] != InjectedInput.Role.SENTENCE) word++;
        int branch = in.triple().length - 1; // the last token of the last branch
        while (in.triple()[branch] < 0) branch--;
        assertTrue(head.masked(word, branch), "a sentence token outside the entity does not see the branch");
        assertEquals(0f, head.get(word, branch), 0f);

        // without knowledge files the same folder reads the plain sentence
        java.nio.file.Files.delete(dir.resolve(KnowledgeModel.META_FILE));
        RunOutcome plain = new RunTask(new RunRequest(m, m.tokenizer().encode(c.sentence()), Generation.Settings.greedy(0)),
                l -> { }, null).call();
        assertNull(plain.knowledge());
        assertEquals(m.tokenizer().encode(c.sentence()).length, plain.tokens().length);
    }
}
