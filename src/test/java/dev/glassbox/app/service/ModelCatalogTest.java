package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCatalogTest {

    @Test
    void findsModelFilesAndFoldersButNotTokenizers(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("a-bert"));
        Files.writeString(root.resolve("a-bert/config.json"), "{\"model_type\": \"bert\"}");
        Files.createDirectories(root.resolve("b-stories"));
        Files.write(root.resolve("b-stories/model.bin"), new byte[8]);
        Files.write(root.resolve("b-stories/tokenizer.bin"), new byte[8]);
        Files.write(root.resolve("b-stories/tok512.bin"), new byte[8]);
        Files.write(root.resolve("c.gguf"), new byte[8]);
        Files.writeString(root.resolve("notes.txt"), "x");
        List<ModelEntry> found = ModelCatalog.scan(root);
        assertEquals(List.of("a-bert", "model.bin", "c.gguf"), found.stream().map(ModelEntry::label).toList());
        ModelCatalog c = new ModelCatalog(found);
        assertEquals("model.bin", c.defaultModel().orElseThrow().label(), "the first decoder is the default, not the encoder");
        assertTrue(new ModelCatalog(found.subList(0, 1)).defaultModel().isPresent(), "an encoder is the default when alone");
        assertTrue(new ModelCatalog(List.of()).defaultModel().isEmpty());
    }

    @Test
    void theRepositoryOpensOnTheStoryModelNamedInDefault() {
        ModelCatalog c = ModelCatalog.discover();
        assertEquals("tiny-stories-grammar", c.defaultModel().orElseThrow().label());
        assertTrue(c.bundled().stream().anyMatch(e -> e.label().equals("induction-2l")));
        assertTrue(c.bundled().stream().anyMatch(e -> !e.decoder()), "the bundled MiniLM encoder is offered too");
    }

    @Test
    void bothBundledEncodersAreOfferedWithTheirDescriptionsAndLoad() throws Exception {
        List<ModelEntry> all = ModelCatalog.discover().bundled();
        assertTrue(all.stream().anyMatch(e -> !e.decoder() && e.label().equals("world-kbert")), "the sample encoders are listed too");
        List<ModelEntry> encoders = all.stream().filter(e -> !e.decoder() && e.source() instanceof ModelSource.Bundled).toList();
        assertEquals(List.of("all-MiniLM-L6-v2 (encoder, bundled)", "bge-small-zh-v1.5 (Chinese encoder, bundled)"),
                encoders.stream().map(ModelEntry::label).toList());
        assertEquals(new ModelSource.Bundled(dev.glassbox.engine.format.onnx.BundledEncoder.BGE_SMALL_ZH),
                encoders.get(1).source());
        dev.glassbox.engine.model.LoadedModel m = ModelService.loadNow(encoders.get(1).source());
        assertEquals("bge-small-zh-v1.5", m.name());
        assertEquals(dev.glassbox.engine.model.SentencePooling.CLS, m.encoder().pooling());
    }

    @Test
    void aDefaultMarkerNamingAMissingModelFallsBackToTheFirstDecoder(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("m"));
        Files.write(root.resolve("m/model.bin"), new byte[8]);
        Files.writeString(root.resolve(ModelCatalog.DEFAULT_MARKER), "gone");
        String old = System.getProperty("glassbox.sampleModels");
        System.setProperty("glassbox.sampleModels", root.toString());
        try {
            assertEquals("model.bin", new ModelCatalog(ModelCatalog.scan(root)).defaultModel().orElseThrow().label());
        } finally {
            if (old == null) System.clearProperty("glassbox.sampleModels"); else System.setProperty("glassbox.sampleModels", old);
        }
    }
}
