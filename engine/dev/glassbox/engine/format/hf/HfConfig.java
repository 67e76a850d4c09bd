package dev.glassbox.engine.format.hf;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.io.ModelFiles;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.model.Seq2SeqModel;

/**
 * A Hugging Face {@code config.json} read into a {@link ModelConfig} plus the few facts that decide which
 * tensors the folder holds. Shape keys are required; other keys take the defaults of the transformers
 * config classes (LlamaConfig, Qwen2Config, GPT2Config, BertConfig).
 *
 * @param tiedEmbeddings the output projection is the token embedding (no lm_head tensor)
 * @param attentionOnly  Glassbox extension {@code "glassbox_attention_only": true}: blocks have no MLP
 * @param typeVocabSize  BERT token types (0 for decoders)
 * @param seq2seq        the encoder side of a {@value Seq2SeqModel#MODEL_TYPE} model, else null
 */
public record HfConfig(String modelType, ModelConfig model, boolean tiedEmbeddings, boolean attentionOnly,
                       int typeVocabSize, Seq2SeqModel.Spec seq2seq) {

    HfConfig(String modelType, ModelConfig model, boolean tiedEmbeddings, boolean attentionOnly, int typeVocabSize) {
        this(modelType, model, tiedEmbeddings, attentionOnly, typeVocabSize, null);
    }

    public static final String ATTENTION_ONLY_KEY = "glassbox_attention_only";

    public static HfConfig read(Path file) throws IOException {
        JsonNode root = ModelFiles.readJson(file, ModelFiles.MAX_JSON_BYTES, "config");
        if (root == null || !root.isObject()) {
            throw new FormatException(file, "config.json must hold a JSON object");
        }
        Keys k = new Keys(file, root);
        String type = k.text("model_type", null);
        try {
            return switch (type) {
                case "llama", "qwen2", "mixtral" -> llama(k, type); // mixtral: experts in HfRouting
                case "gpt2" -> gpt2(k);
                case "bert" -> bert(k);
                case Seq2SeqModel.MODEL_TYPE -> seq2seq(k);
                default -> throw new FormatException(file, "model_type '" + type
                        + "' is not supported (supported: llama, qwen2, mixtral, gpt2, bert, " + Seq2SeqModel.MODEL_TYPE + ")");
            };
        } catch (IllegalArgumentException e) {
            throw new FormatException(file, type + " config.json: " + e.getMessage());
        }
    }

    private static HfConfig llama(Keys k, String type) throws FormatException {
        boolean qwen = type.equals("qwen2");
        int dim = k.integer("hidden_size");
        int heads = k.integer("num_attention_heads");
        int layers = k.integer("num_hidden_layers");
        int vocab = k.integer("vocab_size");
        boolean attentionOnly = k.bool(ATTENTION_ONLY_KEY, false);
        int hidden = attentionOnly ? k.integer("intermediate_size", 4 * dim) : k.integer("intermediate_size");
        int kvHeads = k.integer("num_key_value_heads", heads);
        int headDim = k.integer("head_dim", k.divide(dim, heads, "hidden_size", "num_attention_heads"));
        k.require(k.text("hidden_act", "silu").equals("silu"), "hidden_act '" + k.text("hidden_act", "silu")
                + "' is not supported (the llama family uses silu)");
        float theta = ropeTheta(k);
        if (!qwen) {
            k.require(!k.bool("attention_bias", false), "attention_bias true (o_proj bias) is not supported");
            k.require(!k.bool("mlp_bias", false), "mlp_bias true is not supported");
        } else {
            k.require(!k.bool("use_sliding_window", false), "use_sliding_window true is not supported");
        }
        // both LlamaConfig and Qwen2Config default to eps 1e-6, theta 1e4, untied embeddings
        ModelConfig c = new ModelConfig(qwen ? Architecture.QWEN2 : Architecture.LLAMA, dim, hidden, layers, heads,
                kvHeads, headDim, vocab, k.integer("max_position_embeddings", qwen ? 32768 : 2048),
                k.eps("rms_norm_eps", 1e-6f), theta, RopeStyle.HALF);
        return new HfConfig(type, c, k.bool("tie_word_embeddings", false), attentionOnly, 0);
    }

    /**
     * rope_theta, or its transformers v5 home rope_parameters.rope_theta; scaled variants (rope_scaling or a
     * rope_type other than "default") change the frequencies and are refused rather than run wrongly.
     */
    private static float ropeTheta(Keys k) throws FormatException {
        for (String key : new String[] {"rope_scaling", "rope_parameters"}) {
            JsonNode r = k.root.path(key);
            String type = r.path("rope_type").asText(r.path("type").asText("default"));
            k.require(r.isMissingNode() || r.isNull() || (r.isObject() && type.equals("default")),
                    key + " " + r + " is not supported (only unscaled rotary embeddings)");
        }
        JsonNode p = k.root.path("rope_parameters").path("rope_theta");
        float theta = p.isNumber() ? p.floatValue() : k.number("rope_theta", 10000f);
        String key = p.isNumber() ? "rope_parameters.rope_theta" : "rope_theta";
        k.require(theta >= ModelConfig.MIN_ROPE_THETA && theta <= ModelConfig.MAX_ROPE_THETA, // NaN fails too
                "key '" + key + "' = " + theta + " is not a finite number in " + ModelConfig.MIN_ROPE_THETA + ".."
                        + ModelConfig.MAX_ROPE_THETA);
        return theta;
    }

    private static HfConfig gpt2(Keys k) throws FormatException {
        int dim = k.integer("n_embd");
        int heads = k.integer("n_head");
        String act = k.text("activation_function", "gelu_new");
        k.require(act.equals("gelu_new"), "activation_function '" + act + "' is not supported (GPT-2 uses gelu_new)");
        k.require(k.bool("scale_attn_weights", true), "scale_attn_weights false is not supported");
        k.require(!k.bool("scale_attn_by_inverse_layer_idx", false), "scale_attn_by_inverse_layer_idx is not supported");
        k.require(k.bool("tie_word_embeddings", true), "tie_word_embeddings false is not supported (GPT-2's head is wte)");
        int inner = k.root.path("n_inner").isNull() || k.root.path("n_inner").isMissingNode()
                ? 4 * dim : k.integer("n_inner");
        ModelConfig c = new ModelConfig(Architecture.GPT2, dim, inner, k.integer("n_layer"), heads, heads,
                k.divide(dim, heads, "n_embd", "n_head"), k.integer("vocab_size"), k.integer("n_positions"),
                k.eps("layer_norm_epsilon", 1e-5f), 0f, RopeStyle.NONE);
        return new HfConfig("gpt2", c, true, false, 0);
    }

    private static HfConfig bert(Keys k) throws FormatException {
        int dim = k.integer("hidden_size");
        int heads = k.integer("num_attention_heads");
        String act = k.text("hidden_act", "gelu");
        k.require(act.equals("gelu"), "hidden_act '" + act + "' is not supported (BERT uses exact gelu)");
        String pos = k.text("position_embedding_type", "absolute");
        k.require(pos.equals("absolute"), "position_embedding_type '" + pos + "' is not supported");
        int types = k.integer("type_vocab_size", 2);
        k.require(types > 0 && types <= 1024, "implausible type_vocab_size " + types);
        ModelConfig c = new ModelConfig(Architecture.BERT, dim, k.integer("intermediate_size"),
                k.integer("num_hidden_layers"), heads, heads, k.divide(dim, heads, "hidden_size", "num_attention_heads"),
                k.integer("vocab_size"), k.integer("max_position_embeddings"), k.eps("layer_norm_eps", 1e-12f),
                0f, RopeStyle.NONE);
        return new HfConfig("bert", c, false, false, types);
    }

    /** Glassbox's encoder-decoder: the {@link ModelConfig} describes the decoder (see {@link Seq2SeqModel}). */
    private static HfConfig seq2seq(Keys k) throws FormatException {
        int dim = k.integer("hidden_size");
        int heads = k.integer("num_attention_heads");
        k.require(k.text("hidden_act", "silu").equals("silu"), "hidden_act '" + k.text("hidden_act", "silu")
                + "' is not supported (the encoder-decoder uses silu)");
        k.require(k.bool("tie_word_embeddings", true), "tie_word_embeddings false is not supported");
        ModelConfig c = new ModelConfig(Architecture.SEQ2SEQ, dim, k.integer("intermediate_size"),
                k.integer("num_decoder_layers"), heads, heads,
                k.integer("head_dim", k.divide(dim, heads, "hidden_size", "num_attention_heads")),
                k.integer("vocab_size"), k.integer("max_target_positions"), k.eps("rms_norm_eps", 1e-5f),
                ropeTheta(k), RopeStyle.HALF);
        Seq2SeqModel.Spec spec = new Seq2SeqModel.Spec(k.integer("num_encoder_layers"),
                k.integer("max_source_positions"), k.integer("decoder_start_token_id"), k.integer("eos_token_id"));
        return new HfConfig(Seq2SeqModel.MODEL_TYPE, c, true, false, 0, spec);
    }

    /** Typed access to config keys with errors naming the file and key. */
    private record Keys(Path file, JsonNode root) {
        int integer(String key) throws FormatException {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                throw new FormatException(file, "missing key '" + key + "' (model_type " + root.path("model_type").asText() + ")");
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new FormatException(file, "key '" + key + "' must be an integer, got " + v);
            }
            return v.intValue();
        }

        int integer(String key, int fallback) throws FormatException {
            return root.hasNonNull(key) ? integer(key) : fallback;
        }

        float number(String key, float fallback) throws FormatException {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isNumber()) {
                throw new FormatException(file, "key '" + key + "' must be a number, got " + v);
            }
            return v.floatValue();
        }

        /** A normalisation epsilon: finite and in ModelConfig's range, else an error naming the key. */
        float eps(String key, float fallback) throws FormatException {
            float v = number(key, fallback);
            require(v >= ModelConfig.MIN_NORM_EPS && v <= ModelConfig.MAX_NORM_EPS, "key '" + key + "' = " + v
                    + " is not a finite number in " + ModelConfig.MIN_NORM_EPS + ".." + ModelConfig.MAX_NORM_EPS);
            return v;
        }

        boolean bool(String key, boolean fallback) throws FormatException {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isBoolean()) {
                throw new FormatException(file, "key '" + key + "' must be true or false, got " + v);
            }
            return v.booleanValue();
        }

        String text(String key, String fallback) throws FormatException {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                if (fallback == null) {
                    throw new FormatException(file, "missing key '" + key + "'");
                }
                return fallback;
            }
            if (!v.isTextual()) {
                throw new FormatException(file, "key '" + key + "' must be a string, got " + v);
            }
            return v.asText();
        }

        int divide(int a, int b, String aKey, String bKey) throws FormatException {
            if (b <= 0 || a % b != 0) {
                throw new FormatException(file, aKey + " " + a + " is not a multiple of " + bKey + " " + b);
            }
            return a / b;
        }

        void require(boolean ok, String problem) throws FormatException {
            if (!ok) {
                throw new FormatException(file, problem);
            }
        }
    }
}
