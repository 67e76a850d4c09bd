package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.format.onnx.BundledEncoder;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.tokenizer.TokenizerJson;
import dev.glassbox.engine.tokenizer.VocabularyCoverage;
import dev.glassbox.visuals.i18n.I18n;

/** Every bundled model is described, and its suggested prompt is text its own tokenizer fully covers. */
class ModelGuideTest {
    @Test
    void everyBundledModelHasADescriptionAndAPromptItsTokenizerCovers() throws IOException {
        List<ModelEntry> entries = new ArrayList<>(ModelCatalog.scan(Path.of("sample-models")));
        assertTrue(entries.size() >= 15, "the sample models: " + entries);
        for (BundledEncoder e : BundledEncoder.values()) {
            entries.add(new ModelEntry(e.label(), new ModelSource.Bundled(e), true, false));
        }
        for (Locale locale : List.of(I18n.ENGLISH, I18n.CHINESE)) {
            Locale before = I18n.locale();
            I18n.setLocale(locale);
            try {
                for (ModelEntry entry : entries) {
                    ModelGuide g = ModelGuide.of(entry).orElseThrow(() -> new AssertionError("no guide for " + entry));
                    for (String part : List.of(g.description(), g.data(), g.vocabulary(), g.prompt())) {
                        assertFalse(part.isBlank(), entry + " " + locale);
                    }
                    VocabularyCoverage c = VocabularyCoverage.of(tokenizer(entry.source()), g.prompt());
                    assertTrue(c.complete(), entry + ": suggested prompt has unknown text: " + c.describe(g.id()));
                    assertTrue(c.characters() > 0, entry + ": empty prompt");
                }
            } finally {
                I18n.setLocale(before);
            }
        }
    }

    @Test
    void aModelOpenedFromElsewhereHasNoGuide() {
        assertTrue(ModelGuide.of(new ModelEntry("x (recent)", new ModelSource.OnDisk(Path.of("sample-models/tang-poetry"), null),
                false, true)).isEmpty(), "not a bundled entry");
        assertTrue(ModelGuide.of(new ModelEntry("mine", new ModelSource.OnDisk(Path.of("/tmp/my-model"), null),
                true, true)).isEmpty(), "no texts for an unknown folder");
        assertEquals("tang-poetry", ModelGuide.of(new ModelEntry("tang-poetry",
                new ModelSource.OnDisk(Path.of("sample-models/tang-poetry"), null), true, true)).orElseThrow().id());
    }

    private static Tokenizer tokenizer(ModelSource source) throws IOException {
        return switch (source) {
            case ModelSource.OnDisk d -> TokenizerJson.load(d.path().resolve("tokenizer.json"));
            case ModelSource.Bundled b -> {
                try (InputStream in = BundledEncoder.class.getClassLoader().getResourceAsStream(b.encoder().tokenizerResource())) {
                    yield TokenizerJson.parse(in.readAllBytes(), Path.of(b.encoder().tokenizerResource()));
                }
            }
        };
    }
}
