package dev.glassbox.engine.train;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.format.hf.SafetensorsFile;
import dev.glassbox.engine.format.hf.SafetensorsWriter;
import dev.glassbox.engine.io.AtomicFile;
import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.io.Json;

/**
 * A training checkpoint in Hugging Face layout: config.json, model.safetensors, tokenizer.json, plus
 * training.json and optimizer.safetensors (AdamW moments) for resuming. Written through {@link OutputFolder#replace}: built in
 * a temporary sibling folder and swapped into place, so a crash never leaves a half-written checkpoint.
 */
public final class Checkpoint {
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    /** The optimizer state as Glassbox wrote it before safetensors; still read, never written. */
    static final String LEGACY_OPTIMIZER_FILE = "optimizer.bin";
    private static final int OPTIMIZER_MAGIC = 0x47424F50; // "GBOP"
    private static final String EXP_AVG = ".exp_avg", EXP_AVG_SQ = ".exp_avg_sq", STEP = "step";

    /** What was restored from a checkpoint folder. */
    public record Restored(TrainableLlama model, CharTokenizer tokenizer, JsonNode training, Path dir) {
        public int step() { return training.path("steps").asInt(0); }
    }

    private Checkpoint() {
    }

    /** The files a checkpoint folder holds; a folder holding only these is one Glassbox wrote. */
    public static final Set<String> FILES = Set.of("config.json", "model.safetensors", "tokenizer.json", "training.json",
            OPTIMIZER_FILE, LEGACY_OPTIMIZER_FILE);

    /**
     * Checks {@code dir} as a checkpoint output before any work ({@link OutputFolder#check}): new, empty, or a
     * checkpoint Glassbox wrote, unless {@code force}; never an input.
     */
    public static OutputFolder folder(Path dir, String option, boolean force, OutputFolder.Input... inputs) throws IOException {
        return OutputFolder.check(dir, option, force, FILES::contains, inputs);
    }

    public static void write(Path dir, TrainableLlama model, CharTokenizer tok, AdamW opt,
                             Map<String, Object> training) throws IOException {
        requireSavable(model.shape());
        boolean gpt2 = model.shape().design().equals(BlockDesign.GPT2);
        // the command checked the folder before training; here files Glassbox did not write are kept, never deleted
        folder(dir, "checkpoint folder", true).replace(tmp -> {
            writeJson(tmp.resolve("config.json"), gpt2 ? Gpt2Layout.config(model.shape()) : config(model.shape()));
            SafetensorsWriter.write(tmp.resolve("model.safetensors"), gpt2 ? Gpt2Layout.entries(model) : entries(model));
            writeJson(tmp.resolve("tokenizer.json"), tokenizerJson(tok));
            writeJson(tmp.resolve("training.json"), training);
            if (opt != null) {
                writeOptimizer(tmp.resolve(OPTIMIZER_FILE), opt);
            }
        });
    }

    static void writeJson(Path file, Object value) throws IOException {
        AtomicFile.write(file, out -> Json.PRETTY.writeValue(out, value));
    }

    /**
     * Fails unless a checkpoint folder can hold {@code s}: the Llama design (as "llama") or the GPT-2 design (as
     * "gpt2", tied, no grouped-query attention, with MLPs). Other combinations are trainer-only: no Hugging Face
     * family the engine loads expresses them.
     */
    public static void requireSavable(ModelShape s) {
        BlockDesign d = s.design();
        if (!d.savable()) {
            throw new IllegalArgumentException("a model with " + d.describe() + " cannot be saved: no Hugging Face "
                    + "family the engine loads has this block; use the Llama defaults (--norm rms --mlp swiglu "
                    + "--positions rope) or --gpt2, or train without a checkpoint");
        }
        String why = d.equals(BlockDesign.GPT2) ? Gpt2Layout.unsupported(s) : null;
        if (why != null) {
            throw new IllegalArgumentException("cannot save as GPT-2: " + why);
        }
    }

    static Map<String, Object> config(ModelShape s) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("LlamaForCausalLM"));
        c.put("model_type", "llama");
        c.put("hidden_size", s.dim());
        // an attention-only model has no MLP; HF requires the field, the flag below says it is unused
        c.put("intermediate_size", s.attentionOnly() ? 4 * s.dim() : s.hidden());
        c.put("num_hidden_layers", s.layers());
        c.put("num_attention_heads", s.heads());
        c.put("num_key_value_heads", s.kvHeads());
        c.put("head_dim", s.headDim());
        c.put("vocab_size", s.vocab());
        c.put("max_position_embeddings", s.seq());
        c.put("rms_norm_eps", s.normEps());
        c.put("rope_theta", s.ropeTheta());
        c.put("tie_word_embeddings", s.tied());
        c.put("hidden_act", "silu");
        c.put("attention_bias", false);
        c.put("mlp_bias", false);
        c.put("bos_token_id", CharTokenizer.BOS_ID);
        c.put("eos_token_id", CharTokenizer.BOS_ID);
        c.put("torch_dtype", "float32");
        if (s.attentionOnly()) {
            c.put("glassbox_attention_only", true);
        }
        routingConfig(c, s.routing());
        if (s.design().positions() != BlockDesign.Positions.ROPE) {
            c.put(POSITIONS_KEY, BlockDesign.spelling(s.design().positions())); // the engine then skips rope_theta
        }
        if (!s.context().isFull()) {
            c.put(ContextTraining.CONFIG_KEY, s.context().spec());
        }
        return c;
    }

    /**
     * The config.json key of a Llama checkpoint whose blocks use other positions than rotary ("xl-relative": the
     * tensors named {@link TrainableLlama#RELATIVE_PREFIX}*; Glassbox-specific, documented in sample-models/README.md).
     */
    public static final String POSITIONS_KEY = dev.glassbox.engine.model.RelativePositions.CONFIG_KEY;

    /** Glassbox keys for routers Mixtral has not (documented in sample-models/README.md). */
    private static final String ROUTER_KEY = dev.glassbox.engine.format.hf.HfRouting.ROUTER_KEY;
    private static final String RANDOM_ROUTING_KEY = dev.glassbox.engine.format.hf.HfRouting.RANDOM_ROUTING_KEY;

    /**
     * Mixture-of-experts models are saved as Mixtral (model_type "mixtral", num_local_experts,
     * num_experts_per_tok, block_sparse_moe tensors); {@code glassbox_router} says "topk", "hash" or "random", and
     * {@code glassbox_random_routing_p} records the random-routing probability a model was trained with.
     */
    private static void routingConfig(Map<String, Object> c, RoutingDesign r) {
        if (r.moe()) {
            c.put("architectures", List.of("MixtralForCausalLM"));
            c.put("model_type", "mixtral");
            c.put("num_local_experts", r.experts());
            c.put("num_experts_per_tok", r.topK());
            c.put("router_aux_loss_coef", r.balanceLoss());
            c.put("output_router_logits", false);
            c.put(ROUTER_KEY, r.router().label());
        }
        if (r.randomRouting() > 0) {
            c.put(RANDOM_ROUTING_KEY, r.randomRouting());
        }
    }

    private static RoutingDesign routing(JsonNode c) {
        float p = (float) c.path(RANDOM_ROUTING_KEY).asDouble(0);
        if (!c.path("model_type").asText().equals("mixtral")) {
            return p > 0 ? RoutingDesign.randomRouting(p) : RoutingDesign.DENSE;
        }
        return RoutingDesign.experts(c.path("num_local_experts").asInt(0), c.path("num_experts_per_tok").asInt(1),
                dev.glassbox.engine.model.ExpertRouter.Kind.parse(c.path(ROUTER_KEY).asText("topk")),
                (float) c.path("router_aux_loss_coef").asDouble(0));
    }

    static Map<String, SafetensorsWriter.Data> entries(TrainableLlama model) {
        return entries(model.params());
    }

    /** Each parameter under its own name, vectors 1-D, matrices [rows, cols]. */
    static Map<String, SafetensorsWriter.Data> entries(List<Param> params) {
        Map<String, SafetensorsWriter.Data> out = new LinkedHashMap<>();
        for (Param p : params) {
            out.put(p.name(), p.cols() == 1 ? SafetensorsWriter.Data.vector(p.value())
                    : SafetensorsWriter.Data.matrix(p.value(), p.rows(), p.cols()));
        }
        return out;
    }

    /**
     * A Hugging Face tokenizers BPE model with one piece per character, and the learned merges as [left, right]
     * pairs (pieces may hold spaces, which the older "left right" string form cannot express).
     */
    /** One entry of a tokenizer.json's "added_tokens": a special token matched whole, as Hugging Face writes them. */
    static Map<String, Object> specialToken(int id, String content) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", id);
        a.put("content", content);
        a.put("single_word", false);
        a.put("lstrip", false);
        a.put("rstrip", false);
        a.put("normalized", false);
        a.put("special", true);
        return a;
    }

    static Map<String, Object> tokenizerJson(CharTokenizer tok) {
        List<Object> added = new ArrayList<>();
        for (int id : new int[] {CharTokenizer.UNK_ID, CharTokenizer.BOS_ID}) {
            added.add(specialToken(id, tok.pieces().get(id)));
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < tok.pieces().size(); i++) {
            vocab.put(tok.pieces().get(i), i);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", CharTokenizer.UNK);
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("vocab", vocab);
        model.put("merges", tok.merges());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("version", "1.0");
        t.put("truncation", null);
        t.put("padding", null);
        t.put("added_tokens", added);
        t.put("normalizer", null);
        t.put("pre_tokenizer", null);
        t.put("post_processor", bosTemplate());
        t.put("decoder", null);
        t.put("model", model);
        return t;
    }

    /** HF TemplateProcessing that puts BOS before every sequence, as the trainer's CharTokenizer.encode does. */
    private static Map<String, Object> bosTemplate() {
        Map<String, Object> bos = Map.of("SpecialToken", Json.fields("id", CharTokenizer.BOS, "type_id", 0));
        Map<String, Object> a = Map.of("Sequence", Json.fields("id", "A", "type_id", 0));
        Map<String, Object> b = Map.of("Sequence", Json.fields("id", "B", "type_id", 1));
        Map<String, Object> special = new LinkedHashMap<>();
        special.put("id", CharTokenizer.BOS);
        special.put("ids", List.of(CharTokenizer.BOS_ID));
        special.put("tokens", List.of(CharTokenizer.BOS));
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("type", "TemplateProcessing");
        t.put("single", List.of(bos, a));
        t.put("pair", List.of(bos, a, bos, b));
        t.put("special_tokens", Map.of(CharTokenizer.BOS, special));
        return t;
    }

    /**
     * AdamW's moments as safetensors, named after PyTorch's optimizer state ({@code <param>.exp_avg},
     * {@code <param>.exp_avg_sq}, flat), the step count in {@code __metadata__["step"]}.
     */
    static void writeOptimizer(Path file, AdamW opt) throws IOException {
        Map<String, SafetensorsWriter.Data> tensors = new LinkedHashMap<>();
        for (int i = 0; i < opt.names().size(); i++) {
            tensors.put(opt.names().get(i) + EXP_AVG, SafetensorsWriter.Data.vector(opt.firstMoments()[i]));
            tensors.put(opt.names().get(i) + EXP_AVG_SQ, SafetensorsWriter.Data.vector(opt.secondMoments()[i]));
        }
        SafetensorsWriter.write(file, tensors, Map.of(STEP, Long.toString(opt.steps())));
    }

    /** Whether {@code dir} holds optimizer state to resume from (current or legacy format). */
    public static boolean hasOptimizer(Path dir) {
        return Files.isRegularFile(dir.resolve(OPTIMIZER_FILE)) || Files.isRegularFile(dir.resolve(LEGACY_OPTIMIZER_FILE));
    }

    /** Restores the optimizer moments saved beside the weights: optimizer.safetensors, else a legacy optimizer.bin. */
    public static void readOptimizer(Path dir, AdamW opt) throws IOException {
        Path file = dir.resolve(OPTIMIZER_FILE);
        if (!Files.isRegularFile(file) && Files.isRegularFile(dir.resolve(LEGACY_OPTIMIZER_FILE))) {
            readLegacyOptimizer(dir.resolve(LEGACY_OPTIMIZER_FILE), opt);
            return;
        }
        SafetensorsFile st = SafetensorsFile.open(file);
        long steps;
        try {
            steps = Long.parseLong(st.metadata().getOrDefault(STEP, ""));
        } catch (NumberFormatException e) {
            throw new FormatException(file, "__metadata__ has no valid \"step\" count");
        }
        if (steps < 0) {
            throw new FormatException(file, "negative step count " + steps);
        }
        int n = opt.names().size();
        if (st.names().size() != 2 * n) {
            throw new FormatException(file, "holds " + st.names().size() + " tensors, the model's optimizer has " + 2 * n);
        }
        float[][] m = new float[n][];
        float[][] v = new float[n][];
        for (int i = 0; i < n; i++) {
            m[i] = moment(st, file, opt.names().get(i) + EXP_AVG, opt.firstMoments()[i].length);
            v[i] = moment(st, file, opt.names().get(i) + EXP_AVG_SQ, opt.secondMoments()[i].length);
        }
        opt.restore(steps, m, v);
    }

    private static float[] moment(SafetensorsFile st, Path file, String name, int size) throws IOException {
        if (!st.contains(name)) {
            throw new FormatException(file, "has no tensor '" + name + "' (saved for a different model?)");
        }
        if (st.entry(name).elements() != size) {
            throw new FormatException(file, "tensor '" + name + "' has " + st.entry(name).elements() + " values, expected " + size);
        }
        return st.floats(name);
    }

    /** The pre-safetensors format: magic "GBOP", step count, tensor count, then per tensor its length, m, v (big-endian). */
    private static void readLegacyOptimizer(Path file, AdamW opt) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != OPTIMIZER_MAGIC) {
                throw new FormatException(file, "not a Glassbox optimizer state file");
            }
            long steps = in.readLong();
            int n = in.readInt();
            if (n != opt.firstMoments().length) {
                throw new FormatException(file, "holds " + n + " tensors, the model has " + opt.firstMoments().length);
            }
            float[][] m = new float[n][];
            float[][] v = new float[n][];
            for (int i = 0; i < n; i++) {
                int len = in.readInt();
                if (len != opt.firstMoments()[i].length) {
                    throw new FormatException(file, "tensor " + i + " has " + len + " values, expected " + opt.firstMoments()[i].length);
                }
                m[i] = new float[len];
                v[i] = new float[len];
                for (int j = 0; j < len; j++) m[i][j] = in.readFloat();
                for (int j = 0; j < len; j++) v[i][j] = in.readFloat();
            }
            opt.restore(steps, m, v);
        } catch (java.io.EOFException e) {
            throw new FormatException(file, "truncated");
        }
    }

    /** Reads a checkpoint this trainer wrote: shape, weights, character vocabulary and training record. */
    public static Restored read(Path dir, Parallel par) throws IOException {
        Path cfgFile = dir.resolve("config.json");
        if (!Files.isRegularFile(cfgFile)) {
            throw new FormatException(dir, "no config.json: not a checkpoint folder");
        }
        JsonNode c = Json.MAPPER.readTree(cfgFile.toFile());
        if (c.path("model_type").asText().equals("gpt2")) {
            return readGpt2(dir, c, cfgFile, par);
        }
        for (String f : new String[] {"vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "max_position_embeddings"}) {
            if (!c.path(f).canConvertToInt()) {
                throw new FormatException(cfgFile, "missing or invalid \"" + f + "\"");
            }
        }
        boolean attnOnly = c.path("glassbox_attention_only").asBoolean(false);
        ModelShape shape;
        try {
            shape = new ModelShape(c.get("vocab_size").asInt(), c.get("hidden_size").asInt(),
                    attnOnly ? 0 : c.path("intermediate_size").asInt(), c.get("num_hidden_layers").asInt(),
                    c.get("num_attention_heads").asInt(), c.path("num_key_value_heads").asInt(c.get("num_attention_heads").asInt()),
                    c.get("max_position_embeddings").asInt(), attnOnly, c.path("tie_word_embeddings").asBoolean(false),
                    (float) c.path("rms_norm_eps").asDouble(ModelShape.DEFAULT_EPS),
                    (float) c.path("rope_theta").asDouble(ModelShape.DEFAULT_THETA));
            RoutingDesign routing = routing(c);
            if (routing != RoutingDesign.DENSE) {
                shape = new ModelShape(shape.vocab(), shape.dim(), shape.hidden(), shape.layers(), shape.heads(),
                        shape.kvHeads(), shape.seq(), shape.attentionOnly(), shape.tied(), shape.normEps(),
                        shape.ropeTheta(), shape.design(), routing, shape.context());
            }
            if (c.hasNonNull(POSITIONS_KEY)) {
                BlockDesign d = shape.design().withPositions(
                        BlockDesign.parse(BlockDesign.Positions.class, POSITIONS_KEY, c.get(POSITIONS_KEY).asText()));
                shape = new ModelShape(shape.vocab(), shape.dim(), shape.hidden(), shape.layers(), shape.heads(),
                        shape.kvHeads(), shape.seq(), shape.attentionOnly(), shape.tied(), shape.normEps(),
                        shape.ropeTheta(), d, shape.routing(), shape.context());
            }
            if (c.hasNonNull(ContextTraining.CONFIG_KEY)) {
                shape = ContextTraining.parse(c.get(ContextTraining.CONFIG_KEY).asText(), shape.seq()).applyTo(shape);
            }
        } catch (IllegalArgumentException e) {
            throw new FormatException(cfgFile, e.getMessage());
        }
        TrainableLlama model = new TrainableLlama(shape, par);
        readWeights(dir.resolve("model.safetensors"), model);
        return restored(dir, model);
    }

    private static Restored readGpt2(Path dir, JsonNode c, Path cfgFile, Parallel par) throws IOException {
        ModelShape shape;
        try {
            shape = Gpt2Layout.shape(c, cfgFile);
        } catch (IllegalArgumentException e) {
            throw new FormatException(cfgFile, e.getMessage());
        }
        TrainableLlama model = new TrainableLlama(shape, par);
        Gpt2Layout.read(SafetensorsFile.open(dir.resolve("model.safetensors")), model);
        return restored(dir, model);
    }

    private static Restored restored(Path dir, TrainableLlama model) throws IOException {
        ModelShape shape = model.shape();
        CharTokenizer tok = readTokenizer(dir.resolve("tokenizer.json"));
        if (tok.vocabSize() != shape.vocab()) {
            throw new FormatException(dir, "tokenizer has " + tok.vocabSize() + " pieces, config says " + shape.vocab());
        }
        Path tj = dir.resolve("training.json");
        JsonNode training = Files.isRegularFile(tj) ? Json.MAPPER.readTree(tj.toFile()) : Json.MAPPER.createObjectNode();
        return new Restored(model, tok, training, dir);
    }

    private static void readWeights(Path file, TrainableLlama model) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(file);
        for (Param p : model.params()) {
            SafetensorsFile.Entry e = f.entry(p.name());
            if (e.elements() != p.size()) {
                throw new FormatException(file, p.name() + " has shape " + e.shapeText() + ", expected " + p.size() + " values");
            }
            System.arraycopy(f.floats(p.name()), 0, p.value(), 0, p.size());
        }
    }

    static CharTokenizer readTokenizer(Path file) throws IOException {
        JsonNode vocab = Json.MAPPER.readTree(file.toFile()).path("model").path("vocab");
        if (!vocab.isObject() || vocab.size() < 3) {
            throw new FormatException(file, "no model.vocab object");
        }
        String[] pieces = new String[vocab.size()];
        for (Map.Entry<String, JsonNode> e : vocab.properties()) {
            int id = e.getValue().asInt(-1);
            if (id < 0 || id >= pieces.length || pieces[id] != null) {
                throw new FormatException(file, "vocab id " + id + " of '" + e.getKey() + "' is out of range or repeated");
            }
            pieces[id] = e.getKey();
        }
        List<List<String>> merges = new ArrayList<>();
        for (JsonNode m : Json.MAPPER.readTree(file.toFile()).path("model").path("merges")) {
            if (!m.isArray() || m.size() != 2) {
                throw new FormatException(file, "merge " + m + " is not a [left, right] pair");
            }
            merges.add(List.of(m.get(0).asText(), m.get(1).asText()));
        }
        StringBuilder chars = new StringBuilder();
        for (int i = 2; i < pieces.length - merges.size(); i++) {
            chars.append(pieces[i]);
        }
        CharTokenizer tok;
        try {
            tok = CharTokenizer.of(chars.toString()).withMerges(merges);
        } catch (IllegalArgumentException e) {
            throw new FormatException(file, e.getMessage());
        }
        if (!tok.pieces().equals(List.of(pieces))) {
            throw new FormatException(file, "not a Glassbox vocabulary (<unk>, <s>, characters in code point order, "
                    + "then one piece per merge)");
        }
        return tok;
    }

}
