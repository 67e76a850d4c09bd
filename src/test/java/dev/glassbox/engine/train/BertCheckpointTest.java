package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.format.hf.SafetensorsFile;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;

/**
 * A trained encoder saves as a Hugging Face bert folder with BertForPreTraining (or ELECTRA discriminator) head names,
 * which the engine's {@link BertModel} loads and runs to the trainer's hidden states within 1e-4.
 */
class BertCheckpointTest {

    private static EncoderTrainer.Result train(EncoderObjective objective, Path out) throws Exception {
        EncoderCorpus corpus = EncoderCorpus.stories(4, 40, 30);
        EncoderData data = corpus.data(objective, 24);
        EncoderShape shape = new EncoderShape(data.vocabulary().size(), 16, 32, 2, 2, 24, 2, EncoderShape.BERT_EPS);
        EncoderTrainer.Options o = EncoderTrainer.Options.of(objective, shape, data, 3, 2, 5e-3f, 7).withOut(out, "test");
        return new EncoderTrainer(o, Parallel.SERIAL, line -> { }).run();
    }

    /** The trainer's and the engine's last hidden states on a sentence pair (token types 0 and 1) agree within 1e-4. */
    private static void assertParity(EncoderTrainer.Result r, Path out) throws Exception {
        LoadedModel loaded = ModelLoader.load(out, null);
        BertModel bert = assertInstanceOf(BertModel.class, loaded.model());
        BertVocabulary vocab = BertVocabulary.of(EncoderCorpus.storyText(4, 40), 30);
        String text = "Tom saw a red ball in the park.";
        int[] ids = loaded.tokenizer().encode(text);
        assertArrayEquals(vocab.tokenizer().encode(text), ids, "the saved tokenizer splits as the trainer's");
        assertEquals(vocab.cls(), ids[0]);
        assertEquals(vocab.sep(), ids[ids.length - 1]);
        int[] types = new int[ids.length];
        for (int i = ids.length / 2; i < ids.length; i++) types[i] = 1;
        float[] expected = r.models().encoder().forward(new EncoderExample(ids, types, null, null, null,
                EncoderExample.NO_LABEL)).output();
        float[][] actual = bert.encode(ids, types, Capture.none(bert.config().layers()));
        int d = bert.config().dim();
        double worst = 0;
        for (int t = 0; t < ids.length; t++) {
            for (int c = 0; c < d; c++) worst = Math.max(worst, Math.abs(actual[t][c] - expected[t * d + c]));
        }
        assertTrue(worst < 1e-4, "engine vs trainer hidden states differ by " + worst);
    }

    @Test
    void nspCheckpointLoadsInBertModelWithPreTrainingHeadNames(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("bert");
        EncoderTrainer.Result r = train(EncoderObjective.NSP, out);
        assertEquals("bert", new ObjectMapper().readTree(out.resolve("config.json").toFile()).get("model_type").asText());
        SafetensorsFile st = SafetensorsFile.open(out.resolve("model.safetensors"));
        for (String name : List.of("bert.embeddings.word_embeddings.weight", "bert.encoder.layer.1.output.LayerNorm.bias",
                "bert.pooler.dense.weight", "cls.predictions.transform.dense.weight",
                "cls.predictions.transform.LayerNorm.weight", "cls.predictions.bias", "cls.seq_relationship.weight",
                "cls.seq_relationship.bias")) {
            assertTrue(st.contains(name), name);
        }
        assertParity(r, out);
    }

    @Test
    void rtdSavesTheDiscriminatorWithElectraHeadNames(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("electra");
        EncoderTrainer.Result r = train(EncoderObjective.RTD, out);
        SafetensorsFile st = SafetensorsFile.open(out.resolve("model.safetensors"));
        assertTrue(st.contains("discriminator_predictions.dense_prediction.weight"));
        assertTrue(st.names().stream().noneMatch(n -> n.startsWith("generator.")), "the generator is not saved");
        assertParity(r, out);
    }
}
