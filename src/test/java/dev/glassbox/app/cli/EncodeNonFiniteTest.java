package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.hf.SafetensorsFile;
import dev.glassbox.engine.format.hf.SafetensorsWriter;
import dev.glassbox.engine.format.onnx.OnnxModels;
import dev.glassbox.testing.SharedData;

/** `encode` on the tiny BERT fixture with one NaN weight stops with a message instead of printing NaN states. */
@Tag("shared-data")
class EncodeNonFiniteTest {
    @TempDir
    Path dir;

    @Test
    void nanWeightStopsEncodeWithAMessage() throws Exception {
        Path fixture = SharedData.require("fixtures/tiny-random/bert");
        Path tokenizer = dir.resolve("tokenizer.json");
        try (InputStream in = OnnxModels.class.getClassLoader().getResourceAsStream(OnnxModels.MINILM_TOKENIZER)) {
            Files.copy(in, tokenizer);
        }
        String[] args = {"encode", "--model", dir.resolve("bert").toString(), "--tokenizer", tokenizer.toString(),
                "--text", "the cat sat"};
        Path bert = Files.createDirectories(dir.resolve("bert"));
        Files.copy(fixture.resolve("config.json"), bert.resolve("config.json"));
        Map<String, SafetensorsWriter.Data> tensors = new TreeMap<>();
        String poisoned = null;
        SafetensorsFile f = SafetensorsFile.open(fixture.resolve("model.safetensors"));
        for (String n : f.names()) {
            int[] shape = Arrays.stream(f.entry(n).shape()).mapToInt(Math::toIntExact).toArray();
            float[] v = f.floats(n);
            if (poisoned == null && n.contains("layer.1.") && n.endsWith("query.weight")) {
                v[0] = Float.NaN;
                poisoned = n;
            }
            tensors.put(n, new SafetensorsWriter.Data(shape, v));
        }
        assertTrue(poisoned != null, "the fixture has a layer-1 query weight");
        SafetensorsWriter.write(bert.resolve("model.safetensors"), tensors);

        CliRun r = CliRun.of(args);
        assertNotEquals(0, r.code(), r.out());
        assertTrue(r.err().contains("non-finite value") && r.err().contains("blocks.1."), r.err()); // the first hook the NaN reaches
        assertFalse(r.out().contains("NaN"), r.out());
    }
}
