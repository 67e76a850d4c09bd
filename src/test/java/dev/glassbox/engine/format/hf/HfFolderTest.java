package dev.glassbox.engine.format.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.Gpt2Model;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LanguageModel;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.testing.SharedData;

/** Folder-level behaviour on copies of the tiny-random fixtures: shards, attention-only blocks, broken folders. */
@Tag("shared-data")
class HfFolderTest {
    private static final int[] IDS = {1, 15, 200, 37, 511, 4, 99};
    /** Same weights, same code: only the Vector API's lane-reduction order (interpreted vs compiled) may differ. */
    private static final float EPS = 1e-6f;

    @TempDir
    Path tmp;

    private static Path fixture(String name) {
        return SharedData.require("fixtures/tiny-random/" + name);
    }

    /** Every tensor of a fixture, as float32 arrays with shapes. */
    private static Map<String, SafetensorsWriter.Data> tensors(String name) throws Exception {
        SafetensorsFile f = SafetensorsFile.open(fixture(name).resolve("model.safetensors"));
        Map<String, SafetensorsWriter.Data> out = new TreeMap<>();
        for (String n : f.names()) {
            int[] shape = Arrays.stream(f.entry(n).shape()).mapToInt(Math::toIntExact).toArray();
            out.put(n, new SafetensorsWriter.Data(shape, f.floats(n)));
        }
        return out;
    }

    private Path folder(String name, String config, Map<String, SafetensorsWriter.Data> t) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(name));
        Files.writeString(d.resolve("config.json"), config);
        if (t != null) {
            SafetensorsWriter.write(d.resolve("model.safetensors"), t);
        }
        return d;
    }

    private static String config(String name) throws Exception {
        return Files.readString(fixture(name).resolve("config.json"));
    }

    private static float[][] logits(LanguageModel m, int[] ids, Intervention iv) {
        var s = ((DecoderModel) m).newSession(Capture.none(m.config().layers()), iv);
        float[][] out = new float[ids.length][];
        for (int t = 0; t < ids.length; t++) {
            out[t] = s.forward(ids[t], t).clone();
        }
        return out;
    }

    private static String error(Path dir) {
        FormatException e = assertThrows(FormatException.class, () -> ModelLoader.load(dir, null));
        return e.getMessage();
    }

    @Test
    void rewrittenFixtureLoadsWithIdenticalLogits() throws Exception {
        LanguageModel original = HfLoader.load(fixture("llama"), Parallel.SERIAL);
        Path copy = folder("llama", config("llama"), tensors("llama"));
        assertArrayEquals(Files.readAllBytes(fixture("llama").resolve("model.safetensors")),
                Files.readAllBytes(copy.resolve("model.safetensors")), "our writer reproduces the reference writer byte for byte");
        assertArrayEquals(logits(original, IDS, Intervention.NONE)[6],
                logits(HfLoader.load(copy, Parallel.SERIAL), IDS, Intervention.NONE)[6], EPS);
    }

    @Test
    void shardedCheckpointViaIndex() throws Exception {
        Map<String, SafetensorsWriter.Data> all = tensors("qwen2");
        Path d = folder("sharded", config("qwen2"), null);
        Map<String, SafetensorsWriter.Data> a = new TreeMap<>();
        Map<String, SafetensorsWriter.Data> b = new TreeMap<>();
        StringBuilder map = new StringBuilder();
        for (var e : all.entrySet()) {
            boolean first = e.getKey().contains("layers.0.") || e.getKey().contains("embed");
            (first ? a : b).put(e.getKey(), e.getValue());
            String shard = first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            map.append(map.isEmpty() ? "" : ",").append('"').append(e.getKey()).append("\":\"").append(shard).append('"');
        }
        SafetensorsWriter.write(d.resolve("model-00001-of-00002.safetensors"), a);
        SafetensorsWriter.write(d.resolve("model-00002-of-00002.safetensors"), b);
        String index = "{\"metadata\":{\"total_size\":1},\"weight_map\":{" + map + "}}";
        Files.writeString(d.resolve("model.safetensors.index.json"), index);
        LoadedModel m = ModelLoader.load(d, null, Parallel.SERIAL);
        assertEquals("hf", m.format());
        assertArrayEquals(logits(HfLoader.load(fixture("qwen2"), Parallel.SERIAL), IDS, Intervention.NONE)[6],
                logits(m.model(), IDS, Intervention.NONE)[6], EPS);

        Files.writeString(d.resolve("model.safetensors.index.json"), index.replace("model-00002-of-00002", "../evil"));
        assertTrue(error(d).contains("which is not a file name in this folder"), error(d));
        Files.writeString(d.resolve("model.safetensors.index.json"), index.replace("model-00002-of-00002", "model-3"));
        assertTrue(error(d).contains("shard 'model-3.safetensors' (holding"), error(d));
        Files.writeString(d.resolve("model.safetensors.index.json"),
                index.replace("\"model.norm.weight\":\"model-00002", "\"model.norm.weight\":\"model-00001"));
        assertEquals("model.safetensors.index.json: weight_map puts 'model.norm.weight' in "
                + "model-00001-of-00002.safetensors, but that shard has no such tensor", error(d));
    }

    @Test
    void attentionOnlyLlamaEqualsAFullModelWithZeroMlp() throws Exception {
        Map<String, SafetensorsWriter.Data> full = tensors("llama");
        Map<String, SafetensorsWriter.Data> attnOnly = new TreeMap<>(full);
        attnOnly.keySet().removeIf(k -> k.contains(".mlp.") || k.contains("post_attention_layernorm"));
        for (var e : full.entrySet()) {
            if (e.getKey().endsWith("down_proj.weight")) {
                e.setValue(new SafetensorsWriter.Data(e.getValue().shape(), new float[e.getValue().values().length]));
            }
        }
        String cfg = config("llama").replaceFirst("\\{", "{\"glassbox_attention_only\": true,");
        LanguageModel a = HfLoader.load(folder("attn-only", cfg, attnOnly), Parallel.SERIAL);
        LanguageModel z = HfLoader.load(folder("zero-mlp", config("llama"), full), Parallel.SERIAL);
        LlamaModel.Layer l0 = ((LlamaModel) a).weights().layers()[0];
        assertNull(l0.wGate());
        assertNull(l0.ffnNorm());
        assertFalse(a.matrices().containsKey("blk.0.ffn_down.weight"));
        float[][] la = logits(a, IDS, Intervention.NONE);
        float[][] lz = logits(z, IDS, Intervention.NONE);
        for (int t = 0; t < IDS.length; t++) {
            assertArrayEquals(lz[t], la[t], EPS, "position " + t);
        }
        assertTrue(maxDiff(la[6], logits(HfLoader.load(fixture("llama"), Parallel.SERIAL), IDS, Intervention.NONE)[6]) > 1e-4,
                "the real MLP changes the logits");

        Path both = folder("attn-only-with-mlp", cfg, tensors("llama"));
        assertTrue(error(both).contains("glassbox_attention_only but the checkpoint has MLP tensors"), error(both));
    }

    @Test
    void missingTensorsAndShapeMismatchesNameTheTensor() throws Exception {
        Map<String, SafetensorsWriter.Data> t = tensors("llama");
        t.remove("model.layers.1.self_attn.q_proj.weight");
        assertEquals("missing: missing tensor 'model.layers.1.self_attn.q_proj.weight'",
                error(folder("missing", config("llama"), t)));
        String cfg = config("llama").replace("\"intermediate_size\": 160", "\"intermediate_size\": 161");
        assertEquals("model.safetensors: tensor 'model.layers.0.mlp.gate_proj.weight' has shape [160, 64],"
                + " expected [161, 64] from config.json", error(folder("shape", cfg, tensors("llama"))));
        assertTrue(error(folder("gpt-as-llama", config("llama"), tensors("gpt2")))
                .contains("none of 'model.embed_tokens.weight', 'embed_tokens.weight' is in the checkpoint"));
        assertEquals("empty: no model.safetensors or model.safetensors.index.json in the folder",
                error(folder("empty", config("llama"), null)));
    }

    @Test
    void gpt2ConvWeightsAreTransposedOnceAndNamedLikeHf() throws Exception {
        Gpt2Model m = (Gpt2Model) HfLoader.load(fixture("gpt2"), Parallel.SERIAL);
        SafetensorsFile f = SafetensorsFile.open(fixture("gpt2").resolve("model.safetensors"));
        float[] stored = f.floats("transformer.h.1.attn.c_attn.weight"); // [64, 192]
        Tensor qkv = m.matrices().get("h.1.attn.c_attn.weight");
        assertEquals(192, qkv.rows());
        assertEquals(64, qkv.cols());
        for (int o : new int[] {0, 70, 191}) {
            for (int i : new int[] {0, 5, 63}) {
                assertEquals(stored[i * 192 + o], qkv.row(o)[i], "out " + o + " in " + i);
            }
        }
        long fileParams = 0;
        for (String n : f.names()) fileParams += f.entry(n).elements();
        assertEquals(fileParams, m.parameterCount(), "every stored tensor counted once (lm_head is wte)");
        assertEquals(28, m.matrices().size() + m.vectors().size());
    }

    @Test
    void gpt2InterventionsSkipLayersAndReplaceHeads() throws Exception {
        Gpt2Model m = (Gpt2Model) HfLoader.load(fixture("gpt2"), Parallel.SERIAL);
        int[] ids = {15496, 11, 616, 3290};
        // every layer skipped: logits = wte . ln_f(wte[token] + wpe[pos])
        Intervention skipAll = new Intervention() {
            @Override
            public boolean skipLayer(int layer, int position) { return true; }
        };
        float[] x = m.weights().tokenEmbedding().row(ids[3]);
        Kernels.add(x, m.weights().positionEmbedding().row(3), 64);
        Kernels.layernorm(x, x, m.weights().lnFGamma(), m.weights().lnFBeta(), 64, 1e-5f);
        float[] expected = new float[m.config().vocabSize()];
        Kernels.matvec(m.weights().tokenEmbedding(), x, expected, Parallel.SERIAL);
        assertArrayEquals(expected, logits(m, ids, skipAll)[3], 1e-6f);

        // replacing a head's output with what it produced anyway changes nothing; zeros change the logits
        var s = m.newSession(new Capture(HookSelection.of("blocks.1.attn.head_out"), 2));
        List<Map<HookName, Captured>> steps = new ArrayList<>();
        float[] base = s.prefill(ids, 0, (pos, token, captured) -> steps.add(captured)).clone();
        Captured heads = steps.getLast().get(HookName.of(HookPoint.ATTN_HEAD_OUT, 1));
        assertArrayEquals(new int[] {4, 16}, heads.shape());
        float[] head2 = Arrays.copyOfRange(heads.values(), 32, 48);
        assertArrayEquals(base, logits(m, ids, replace(head2))[3], EPS);
        var z = m.newSession(new Capture(HookSelection.of("blocks.1.attn.head_out"), 2), replace(new float[16]));
        steps.clear();
        float[] zeroed = z.prefill(ids, 0, (pos, token, captured) -> steps.add(captured));
        assertArrayEquals(new float[16], Arrays.copyOfRange(
                steps.getLast().get(HookName.of(HookPoint.ATTN_HEAD_OUT, 1)).values(), 32, 48));
        assertTrue(maxDiff(base, zeroed) > 1e-4, "zero-ablating a head changes the logits");
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private static Intervention replace(float[] head2OfLayer1) {
        return new Intervention() {
            @Override
            public float[] replaceHeadOutput(int layer, int head) {
                return layer == 1 && head == 2 ? head2OfLayer1 : null;
            }
        };
    }

    @Test
    void gpt2HooksHaveTheDocumentedShapes() throws Exception {
        Gpt2Model m = (Gpt2Model) HfLoader.load(fixture("gpt2"), Parallel.SERIAL);
        var s = m.newSession(new Capture(HookSelection.ALL, 2));
        s.forward(15496, 0);
        s.drainCaptured();
        s.forward(11, 1);
        Map<HookName, Captured> c = s.drainCaptured();
        Map<String, String> shapes = new LinkedHashMap<>();
        for (var e : new TreeMap<>(c).entrySet()) shapes.put(e.getKey().toString(), Arrays.toString(e.getValue().shape()));
        assertEquals("[64]", shapes.get("embed"));
        assertEquals("[4, 16]", shapes.get("blocks.0.attn.q"));
        assertEquals("[4, 16]", shapes.get("blocks.1.attn.k"));
        assertEquals("[4, 2]", shapes.get("blocks.0.attn.pattern"));
        assertEquals("[64]", shapes.get("blocks.1.mlp.out"));
        assertEquals("[64]", shapes.get("ln_final"));
        assertEquals("[50257]", shapes.get("logits"));
        // resid_post = resid_mid + mlp_out
        float[] mid = c.get(HookName.of(HookPoint.RESID_MID, 1)).values();
        float[] mlp = c.get(HookName.of(HookPoint.MLP_OUT, 1)).values();
        float[] post = c.get(HookName.of(HookPoint.RESID_POST, 1)).values();
        for (int i = 0; i < 64; i++) assertEquals(mid[i] + mlp[i], post[i], 1e-6f);
        assertEquals(2 * 9 + 3, c.size(), "every per-layer hook but route, plus embed, ln_final and logits");
    }

    @Test
    void bertFolderBuildsTheWeightRecords() throws Exception {
        LoadedModel m = ModelLoader.load(fixture("bert"), null, Parallel.SERIAL);
        assertFalse(m.isDecoder());
        BertModel b = (BertModel) m.model();
        SafetensorsFile f = SafetensorsFile.open(fixture("bert").resolve("model.safetensors"));
        long fileParams = 0;
        for (String n : f.names()) fileParams += f.entry(n).elements();
        assertEquals(fileParams, b.parameterCount());
        assertEquals(39, b.matrices().size() + b.vectors().size());
        for (var e : b.vectors().entrySet()) {
            assertArrayEquals(f.floats(e.getKey()), e.getValue(), e.getKey());
        }
        for (var e : b.matrices().entrySet()) {
            assertArrayEquals(f.floats(e.getKey()), e.getValue().toFloatArray(), e.getKey());
        }
        assertEquals(2, b.weights().tokenTypeEmbeddings().rows());
        assertSame(m.model(), b);
    }
}
