package dev.glassbox.engine.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.glassbox.engine.format.hf.SafetensorsWriter;

/**
 * A trained encoder as a Hugging Face {@code bert} folder: config.json (model_type bert), model.safetensors with
 * BertForPreTraining names (bert.embeddings / bert.encoder / bert.pooler, cls.predictions.transform.*,
 * cls.predictions.bias with the decoder tied to the word embeddings, cls.seq_relationship.*), the WordPiece
 * tokenizer.json and training.json. For RTD the discriminator is saved: its body under bert.*, its head as ELECTRA's
 * discriminator_predictions.* (the generator is dropped, as ELECTRA does after pre-training). Written through
 * {@link Checkpoint#folder}: atomic, and a folder Glassbox did not write is refused unless forced.
 */
public final class BertCheckpoint {
    private BertCheckpoint() {
    }

    public static void write(Path dir, EncoderModels models, BertVocabulary vocab, Map<String, Object> training)
            throws IOException {
        Param.checkFinite(models.params(), training.get("steps") instanceof Integer s ? s : 0);
        EncoderShape s = models.encoder().shape();
        if (vocab.size() != s.vocab()) {
            throw new IllegalArgumentException("vocabulary of " + vocab.size() + " tokens for a model of " + s.vocab());
        }
        List<Param> saved = new ArrayList<>(models.encoder().params());
        if (models.mlmHead() != null) saved.addAll(models.mlmHead().params());
        if (models.nspHead() != null) saved.addAll(models.nspHead().params());
        if (models.rtdHead() != null) saved.addAll(models.rtdHead().params());
        Map<String, SafetensorsWriter.Data> tensors = Checkpoint.entries(saved);
        // the command checked the folder before training; here files Glassbox did not write are kept, never deleted
        Checkpoint.folder(dir, "checkpoint folder", true).replace(tmp -> {
            Checkpoint.writeJson(tmp.resolve("config.json"), config(s, models.objective(), vocab));
            SafetensorsWriter.write(tmp.resolve("model.safetensors"), tensors);
            Checkpoint.writeJson(tmp.resolve("tokenizer.json"), vocab.tokenizerJson());
            Checkpoint.writeJson(tmp.resolve("training.json"), training);
        });
    }

    static Map<String, Object> config(EncoderShape s, EncoderObjective objective, BertVocabulary vocab) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of(switch (objective) {
            case MLM -> "BertForMaskedLM";
            case NSP -> "BertForPreTraining";
            case RTD -> "BertModel";
        }));
        c.put("model_type", "bert");
        c.put("hidden_size", s.dim());
        c.put("intermediate_size", s.hidden());
        c.put("num_hidden_layers", s.layers());
        c.put("num_attention_heads", s.heads());
        c.put("vocab_size", s.vocab());
        c.put("max_position_embeddings", s.maxPositions());
        c.put("type_vocab_size", s.typeVocab());
        c.put("layer_norm_eps", s.normEps());
        c.put("hidden_act", "gelu");
        c.put("position_embedding_type", "absolute");
        c.put("hidden_dropout_prob", 0.0);
        c.put("attention_probs_dropout_prob", 0.0);
        c.put("initializer_range", 0.02);
        c.put("pad_token_id", vocab.pad());
        c.put("tie_word_embeddings", true);
        c.put("torch_dtype", "float32");
        c.put("glassbox_objective", objective.spelling());
        return c;
    }
}
