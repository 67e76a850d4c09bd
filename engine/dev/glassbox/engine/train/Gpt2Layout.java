package dev.glassbox.engine.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.format.hf.SafetensorsFile;
import dev.glassbox.engine.format.hf.SafetensorsWriter;

/**
 * The trainer's {@link BlockDesign#GPT2} model in Hugging Face's GPT2LMHeadModel layout: transformer.wte / wpe,
 * h.N.ln_1, attn.c_attn (q | k | v fused), attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj, ln_f. GPT-2's Conv1D computes
 * y = x W + b with W stored [in, out], so every matrix is written transposed from the trainer's nn.Linear [out, in].
 */
final class Gpt2Layout {
    private static final String T = "transformer.";

    private Gpt2Layout() {
    }

    /** Why {@code s} cannot be saved as GPT-2, or null when it can. */
    static String unsupported(ModelShape s) {
        if (s.attentionOnly()) return "GPT-2 blocks always have an MLP (drop --attention-only)";
        if (!s.tied()) return "GPT-2's output head is the token embedding (drop --untied)";
        if (s.kvHeads() != s.heads()) return "GPT-2 has no grouped-query attention (drop --kv-heads)";
        // the gpt2 layout has no keys for these: experts would have no tensors to go to, the others would be lost
        if (s.routing().moe()) return "GPT-2 has no mixture-of-experts layout (drop --experts, or save a Llama design as Mixtral)";
        if (s.routing().randomRouting() > 0) return "the GPT-2 layout does not record --random-routing (use the Llama design)";
        if (!s.context().isFull()) return "the GPT-2 layout does not record --context " + s.context().spec() + " (use the Llama design)";
        return null;
    }

    static Map<String, Object> config(ModelShape s) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("GPT2LMHeadModel"));
        c.put("model_type", "gpt2");
        c.put("n_embd", s.dim());
        c.put("n_head", s.heads());
        c.put("n_layer", s.layers());
        c.put("n_inner", s.hidden());
        c.put("n_positions", s.seq());
        c.put("n_ctx", s.seq());
        c.put("vocab_size", s.vocab());
        c.put("layer_norm_epsilon", s.normEps());
        c.put("activation_function", "gelu_new");
        c.put("tie_word_embeddings", true);
        c.put("scale_attn_weights", true);
        c.put("bos_token_id", CharTokenizer.BOS_ID);
        c.put("eos_token_id", CharTokenizer.BOS_ID);
        c.put("torch_dtype", "float32");
        return c;
    }

    /** The shape a GPT-2 config.json describes. */
    static ModelShape shape(JsonNode c, Path file) throws FormatException {
        for (String f : new String[] {"vocab_size", "n_embd", "n_layer", "n_head", "n_positions"}) {
            if (!c.path(f).canConvertToInt()) {
                throw new FormatException(file, "missing or invalid \"" + f + "\"");
            }
        }
        int dim = c.get("n_embd").asInt();
        int heads = c.get("n_head").asInt();
        int hidden = c.path("n_inner").canConvertToInt() ? c.get("n_inner").asInt() : 4 * dim;
        return new ModelShape(c.get("vocab_size").asInt(), dim, hidden, c.get("n_layer").asInt(), heads, heads,
                c.get("n_positions").asInt(), false, true,
                (float) c.path("layer_norm_epsilon").asDouble(ModelShape.DEFAULT_EPS), ModelShape.DEFAULT_THETA,
                BlockDesign.GPT2, RoutingDesign.DENSE, ContextTraining.FULL);
    }

    static Map<String, SafetensorsWriter.Data> entries(TrainableLlama model) {
        Map<String, Param> p = model.paramsByName();
        ModelShape s = model.shape();
        Map<String, SafetensorsWriter.Data> out = new LinkedHashMap<>();
        out.put(T + "wte.weight", SafetensorsWriter.Data.matrix(p.get("model.embed_tokens.weight").value(), s.vocab(), s.dim()));
        out.put(T + "wpe.weight", SafetensorsWriter.Data.matrix(p.get("model.embed_positions.weight").value(), s.seq(), s.dim()));
        for (int l = 0; l < s.layers(); l++) {
            String from = "model.layers." + l + ".";
            String to = T + "h." + l + ".";
            out.put(to + "ln_1.weight", vector(p, from + "input_layernorm.weight"));
            out.put(to + "ln_1.bias", vector(p, from + "input_layernorm.bias"));
            out.put(to + "attn.c_attn.weight", conv1d(p.get(from + "self_attn.q_proj.weight"),
                    p.get(from + "self_attn.k_proj.weight"), p.get(from + "self_attn.v_proj.weight")));
            out.put(to + "attn.c_attn.bias", SafetensorsWriter.Data.vector(concat(p.get(from + "self_attn.q_proj.bias"),
                    p.get(from + "self_attn.k_proj.bias"), p.get(from + "self_attn.v_proj.bias"))));
            out.put(to + "attn.c_proj.weight", conv1d(p.get(from + "self_attn.o_proj.weight")));
            out.put(to + "attn.c_proj.bias", vector(p, from + "self_attn.o_proj.bias"));
            out.put(to + "ln_2.weight", vector(p, from + "post_attention_layernorm.weight"));
            out.put(to + "ln_2.bias", vector(p, from + "post_attention_layernorm.bias"));
            out.put(to + "mlp.c_fc.weight", conv1d(p.get(from + "mlp.c_fc.weight")));
            out.put(to + "mlp.c_fc.bias", vector(p, from + "mlp.c_fc.bias"));
            out.put(to + "mlp.c_proj.weight", conv1d(p.get(from + "mlp.c_proj.weight")));
            out.put(to + "mlp.c_proj.bias", vector(p, from + "mlp.c_proj.bias"));
        }
        out.put(T + "ln_f.weight", vector(p, "model.norm.weight"));
        out.put(T + "ln_f.bias", vector(p, "model.norm.bias"));
        return out;
    }

    /** Fills the model's parameters from a GPT-2 safetensors file (the inverse of {@link #entries}). */
    static void read(SafetensorsFile f, TrainableLlama model) throws FormatException {
        Map<String, Param> p = model.paramsByName();
        ModelShape s = model.shape();
        String pre = f.contains(T + "wte.weight") ? T : "";
        copy(f, pre + "wte.weight", p.get("model.embed_tokens.weight"));
        copy(f, pre + "wpe.weight", p.get("model.embed_positions.weight"));
        for (int l = 0; l < s.layers(); l++) {
            String to = "model.layers." + l + ".";
            String from = pre + "h." + l + ".";
            copy(f, from + "ln_1.weight", p.get(to + "input_layernorm.weight"));
            copy(f, from + "ln_1.bias", p.get(to + "input_layernorm.bias"));
            unfuse(f, from + "attn.c_attn.weight", p.get(to + "self_attn.q_proj.weight"),
                    p.get(to + "self_attn.k_proj.weight"), p.get(to + "self_attn.v_proj.weight"));
            float[] b = floats(f, from + "attn.c_attn.bias", 3 * s.dim());
            int off = 0;
            for (String n : new String[] {"q_proj", "k_proj", "v_proj"}) {
                Param bias = p.get(to + "self_attn." + n + ".bias");
                System.arraycopy(b, off, bias.value(), 0, bias.size());
                off += bias.size();
            }
            unfuse(f, from + "attn.c_proj.weight", p.get(to + "self_attn.o_proj.weight"));
            copy(f, from + "attn.c_proj.bias", p.get(to + "self_attn.o_proj.bias"));
            copy(f, from + "ln_2.weight", p.get(to + "post_attention_layernorm.weight"));
            copy(f, from + "ln_2.bias", p.get(to + "post_attention_layernorm.bias"));
            unfuse(f, from + "mlp.c_fc.weight", p.get(to + "mlp.c_fc.weight"));
            copy(f, from + "mlp.c_fc.bias", p.get(to + "mlp.c_fc.bias"));
            unfuse(f, from + "mlp.c_proj.weight", p.get(to + "mlp.c_proj.weight"));
            copy(f, from + "mlp.c_proj.bias", p.get(to + "mlp.c_proj.bias"));
        }
        copy(f, pre + "ln_f.weight", p.get("model.norm.weight"));
        copy(f, pre + "ln_f.bias", p.get("model.norm.bias"));
    }

    private static SafetensorsWriter.Data vector(Map<String, Param> p, String name) {
        return SafetensorsWriter.Data.vector(p.get(name).value());
    }

    private static float[] concat(Param... parts) {
        int n = 0;
        for (Param q : parts) n += q.size();
        float[] out = new float[n];
        int off = 0;
        for (Param q : parts) {
            System.arraycopy(q.value(), 0, out, off, q.size());
            off += q.size();
        }
        return out;
    }

    /** nn.Linear weights [out_k, in] side by side as one Conv1D weight [in, sum out_k]. */
    private static SafetensorsWriter.Data conv1d(Param... parts) {
        int in = parts[0].cols();
        int outTotal = 0;
        for (Param q : parts) outTotal += q.rows();
        float[] w = new float[in * outTotal];
        int col = 0;
        for (Param q : parts) {
            for (int o = 0; o < q.rows(); o++) {
                for (int i = 0; i < in; i++) {
                    w[i * outTotal + col + o] = q.value()[o * in + i];
                }
            }
            col += q.rows();
        }
        return SafetensorsWriter.Data.matrix(w, in, outTotal);
    }

    /** The inverse of {@link #conv1d}. */
    private static void unfuse(SafetensorsFile f, String name, Param... parts) throws FormatException {
        int in = parts[0].cols();
        int outTotal = 0;
        for (Param q : parts) outTotal += q.rows();
        float[] w = floats(f, name, in * outTotal);
        int col = 0;
        for (Param q : parts) {
            for (int o = 0; o < q.rows(); o++) {
                for (int i = 0; i < in; i++) {
                    q.value()[o * in + i] = w[i * outTotal + col + o];
                }
            }
            col += q.rows();
        }
    }

    private static void copy(SafetensorsFile f, String name, Param p) throws FormatException {
        System.arraycopy(floats(f, name, p.size()), 0, p.value(), 0, p.size());
    }

    private static float[] floats(SafetensorsFile f, String name, long expected) throws FormatException {
        if (!f.contains(name)) {
            throw new FormatException(f.path(), "no tensor " + name);
        }
        SafetensorsFile.Entry e = f.entry(name);
        if (e.elements() != expected) {
            throw new FormatException(f.path(), name + " has shape " + e.shapeText() + ", expected " + expected + " values");
        }
        return f.floats(name);
    }
}
