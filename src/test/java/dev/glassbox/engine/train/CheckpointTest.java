package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.format.hf.SafetensorsFile;
import dev.glassbox.engine.tensor.Parallel;

class CheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TrainOptions options(Path out, int steps, boolean resume) {
        TrainOptions o = TrainOptions.of(new TaskData(SyntheticTask.REVERSE), 2, 2, 16, 24, 4, steps, 5);
        return new TrainOptions(o.data(), o.layers(), o.heads(), 1, o.dim(), 0, false, false, o.seq(), o.batch(), o.lr(),
                steps, 2, o.seed(), o.weightDecay(), o.clip(), 5, 0, resume, out, "test");
    }

    @Test
    void writesHuggingFaceLayout(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("model");
        new Trainer(options(out, 3, false), Parallel.SERIAL, line -> { }).run();
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "training.json", Checkpoint.OPTIMIZER_FILE)) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(out), s.toList(), "no temporary folders are left behind");
        }
        JsonNode c = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals("llama", c.get("model_type").asText());
        assertEquals("LlamaForCausalLM", c.get("architectures").get(0).asText());
        assertEquals(1, c.get("num_key_value_heads").asInt());
        assertFalse(c.get("tie_word_embeddings").asBoolean());
        assertFalse(c.has("glassbox_attention_only"));

        byte[] st = Files.readAllBytes(out.resolve("model.safetensors"));
        long hlen = ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, hlen % 8, "header padded to a multiple of 8");
        String header = new String(st, 8, (int) hlen, StandardCharsets.UTF_8);
        assertTrue(header.endsWith("}") || header.endsWith(" "), header);
        JsonNode h = JSON.readTree(header);
        assertEquals("pt", h.get("__metadata__").get("format").asText());
        List<String> keys = new ArrayList<>();
        h.fieldNames().forEachRemaining(keys::add);
        List<String> sorted = new ArrayList<>(keys);
        java.util.Collections.sort(sorted);
        assertEquals(sorted, keys, "keys sorted");
        assertTrue(keys.contains("lm_head.weight") && keys.contains("model.layers.1.mlp.down_proj.weight"));
        JsonNode q = h.get("model.layers.0.self_attn.k_proj.weight");
        assertEquals("F32", q.get("dtype").asText());
        assertEquals(8, q.get("shape").get(0).asInt(), "k_proj is [kv heads * head dim, dim] = [8, 16]");
        assertEquals(16, q.get("shape").get(1).asInt());
        long end = 0;
        for (String k : keys) {
            if (!k.equals("__metadata__")) end = Math.max(end, h.get(k).get("data_offsets").get(1).asLong());
        }
        assertEquals(st.length, 8 + hlen + end, "data fills the rest of the file exactly");

        JsonNode tok = JSON.readTree(out.resolve("tokenizer.json").toFile());
        assertEquals("BPE", tok.get("model").get("type").asText());
        assertEquals(0, tok.get("model").get("merges").size());
        assertEquals(0, tok.get("model").get("vocab").get("<unk>").asInt());
        assertTrue(tok.get("pre_tokenizer").isNull() && tok.get("normalizer").isNull());
    }

    @Test
    void attentionOnlyTiedModelOmitsMlpAndLmHead(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("attn");
        TrainOptions o = TrainOptions.of(new TaskData(SyntheticTask.COPY), 1, 2, 8, 16, 2, 2, 1).withAttentionOnly(true).withOut(out);
        new Trainer(o, Parallel.SERIAL, line -> { }).run();
        JsonNode c = JSON.readTree(out.resolve("config.json").toFile());
        assertTrue(c.get("glassbox_attention_only").asBoolean());
        assertTrue(c.get("tie_word_embeddings").asBoolean());
        String header = new String(Files.readAllBytes(out.resolve("model.safetensors")), StandardCharsets.UTF_8);
        assertFalse(header.contains("lm_head") || header.contains("mlp") || header.contains("post_attention_layernorm"));
    }

    @Test
    void readBackGivesTheSameLogits(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("m");
        Trainer.Result r = new Trainer(options(out, 4, false), Parallel.SERIAL, line -> { }).run();
        Checkpoint.Restored back = Checkpoint.read(out, Parallel.SERIAL);
        int[] tokens = back.tokenizer().encode("abc=cba\nxy=");
        assertArrayEquals(r.model().logits(tokens), back.model().logits(tokens));
        assertEquals(4, back.step());
    }

    @Test
    void resumingContinuesExactlyAsAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        List<Double> straight = new Trainer(options(tmp.resolve("a"), 8, false), Parallel.SERIAL, line -> { }).run().trainLosses();
        Path b = tmp.resolve("b");
        new Trainer(options(b, 8, false), Parallel.SERIAL, line -> { }).run(4); // interrupted after 4 of 8 steps
        assertEquals(4, Checkpoint.read(b, Parallel.SERIAL).step());
        SafetensorsFile state = SafetensorsFile.open(b.resolve(Checkpoint.OPTIMIZER_FILE));
        assertEquals("4", state.metadata().get("step"));
        List<Param> params = Checkpoint.read(b, Parallel.SERIAL).model().params();
        assertEquals(2 * params.size(), state.names().size());
        assertTrue(state.contains(params.get(0).name() + ".exp_avg") && state.contains(params.get(0).name() + ".exp_avg_sq"),
                state.names().toString());
        writeLegacyCopy(tmp.resolve("legacy"), b, state, params);
        List<Double> resumed = new Trainer(options(b, 8, true), Parallel.SERIAL, line -> { }).run().trainLosses();
        assertEquals(straight.subList(4, 8), resumed);
        // a checkpoint from before optimizer.safetensors (optimizer.bin) resumes the same way
        List<Double> fromLegacy = new Trainer(options(tmp.resolve("legacy"), 8, true), Parallel.SERIAL, line -> { }).run()
                .trainLosses();
        assertEquals(straight.subList(4, 8), fromLegacy);
    }

    /** Copies checkpoint {@code from} to {@code to} with its optimizer state in the old optimizer.bin format. */
    private static void writeLegacyCopy(Path to, Path from, SafetensorsFile state, List<Param> params) throws Exception {
        Files.createDirectories(to);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "training.json")) {
            Files.copy(from.resolve(f), to.resolve(f));
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(to.resolve(Checkpoint.LEGACY_OPTIMIZER_FILE)))) {
            out.writeInt(0x47424F50);
            out.writeLong(Long.parseLong(state.metadata().get("step")));
            out.writeInt(params.size());
            for (Param p : params) {
                out.writeInt(p.size());
                for (float f : state.floats(p.name() + ".exp_avg")) out.writeFloat(f);
                for (float f : state.floats(p.name() + ".exp_avg_sq")) out.writeFloat(f);
            }
        }
    }

    @Test
    void damagedCheckpointsGiveClearErrors(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("m");
        new Trainer(options(out, 1, false), Parallel.SERIAL, line -> { }).run();
        Files.write(out.resolve("model.safetensors"), new byte[] {1, 2, 3});
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.read(out, Parallel.SERIAL));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
        assertThrows(FormatException.class, () -> Checkpoint.read(tmp.resolve("nothing"), Parallel.SERIAL));
    }
}
