package dev.glassbox.engine.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.format.hf.SafetensorsFile;
import dev.glassbox.engine.format.hf.SafetensorsWriter;
import dev.glassbox.engine.model.Seq2SeqModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.io.Json;

/**
 * An encoder-decoder checkpoint in Hugging Face layout: config.json ({@code model_type}
 * {@value Seq2SeqModel#MODEL_TYPE}, keys listed in {@link Seq2SeqModel}), model.safetensors (tensor names of
 * {@link TrainableSeq2Seq#params()}), tokenizer.json (the character tokenizer, as {@link Checkpoint} writes it)
 * and training.json, plus optimizer.safetensors (AdamW moments, as {@link Checkpoint} writes them) when an optimizer is given,
 * for resuming. Written as {@link Checkpoint#write} writes its folder (built beside, swapped into place).
 */
public final class Seq2SeqCheckpoint {

    /** What a checkpoint folder holds. */
    public record Restored(TrainableSeq2Seq model, CharTokenizer tokenizer, JsonNode training) {
    }

    private Seq2SeqCheckpoint() {
    }

    /** @param opt the optimizer whose state is saved for resuming, or null to save the model alone */
    public static void write(Path dir, TrainableSeq2Seq model, Seq2SeqData data, AdamW opt, Map<String, Object> training)
            throws IOException {
        Checkpoint.folder(dir, "checkpoint folder", true).replace(tmp -> {
            Checkpoint.writeJson(tmp.resolve("config.json"), config(model.shape(), data));
            Map<String, SafetensorsWriter.Data> tensors = new LinkedHashMap<>();
            for (Param p : model.params()) {
                tensors.put(p.name(), p.cols() == 1 ? SafetensorsWriter.Data.vector(p.value())
                        : SafetensorsWriter.Data.matrix(p.value(), p.rows(), p.cols()));
            }
            SafetensorsWriter.write(tmp.resolve("model.safetensors"), tensors);
            Checkpoint.writeJson(tmp.resolve("tokenizer.json"), Checkpoint.tokenizerJson(data.tokenizer()));
            Checkpoint.writeJson(tmp.resolve("training.json"), training);
            if (opt != null) {
                Checkpoint.writeOptimizer(tmp.resolve(Checkpoint.OPTIMIZER_FILE), opt);
            }
        });
    }

    static Map<String, Object> config(Seq2SeqShape s, Seq2SeqData data) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("GlassboxSeq2SeqLM"));
        c.put("model_type", Seq2SeqModel.MODEL_TYPE);
        c.put("is_encoder_decoder", true);
        c.put("vocab_size", s.vocab());
        c.put("hidden_size", s.dim());
        c.put("intermediate_size", s.hidden());
        c.put("num_encoder_layers", s.encoderLayers());
        c.put("num_decoder_layers", s.decoderLayers());
        c.put("num_attention_heads", s.heads());
        c.put("head_dim", s.headDim());
        c.put("max_source_positions", s.maxSource());
        c.put("max_target_positions", s.maxTarget());
        c.put("rms_norm_eps", s.normEps());
        c.put("rope_theta", s.ropeTheta());
        c.put("tie_word_embeddings", true);
        c.put("hidden_act", "silu");
        c.put("bos_token_id", data.bos());
        c.put("decoder_start_token_id", data.bos());
        c.put("eos_token_id", data.eos());
        c.put("pad_token_id", CharTokenizer.UNK_ID);
        c.put("torch_dtype", "float32");
        return c;
    }

    /** Reads a checkpoint written by {@link #write} back into a trainable model. */
    public static Restored read(Path dir, Parallel par) throws IOException {
        Path cfgFile = dir.resolve("config.json");
        if (!Files.isRegularFile(cfgFile)) {
            throw new FormatException(dir, "no config.json: not a checkpoint folder");
        }
        JsonNode c = Json.MAPPER.readTree(cfgFile.toFile());
        if (!Seq2SeqModel.MODEL_TYPE.equals(c.path("model_type").asText())) {
            throw new FormatException(cfgFile, "model_type is '" + c.path("model_type").asText() + "', expected '"
                    + Seq2SeqModel.MODEL_TYPE + "'");
        }
        Seq2SeqShape shape;
        try {
            shape = new Seq2SeqShape(c.path("vocab_size").asInt(), c.path("hidden_size").asInt(),
                    c.path("intermediate_size").asInt(), c.path("num_encoder_layers").asInt(),
                    c.path("num_decoder_layers").asInt(), c.path("num_attention_heads").asInt(),
                    c.path("max_source_positions").asInt(), c.path("max_target_positions").asInt(),
                    (float) c.path("rms_norm_eps").asDouble(), (float) c.path("rope_theta").asDouble());
        } catch (IllegalArgumentException e) {
            throw new FormatException(cfgFile, e.getMessage());
        }
        TrainableSeq2Seq model = new TrainableSeq2Seq(shape, par);
        Path weights = dir.resolve("model.safetensors");
        SafetensorsFile f = SafetensorsFile.open(weights);
        for (Param p : model.params()) {
            if (f.entry(p.name()).elements() != p.size()) {
                throw new FormatException(weights, p.name() + " has shape " + f.entry(p.name()).shapeText()
                        + ", expected " + p.size() + " values");
            }
            System.arraycopy(f.floats(p.name()), 0, p.value(), 0, p.size());
        }
        CharTokenizer tok = Checkpoint.readTokenizer(dir.resolve("tokenizer.json"));
        Path tj = dir.resolve("training.json");
        JsonNode training = Files.isRegularFile(tj) ? Json.MAPPER.readTree(tj.toFile()) : Json.MAPPER.createObjectNode();
        return new Restored(model, tok, training);
    }
}
