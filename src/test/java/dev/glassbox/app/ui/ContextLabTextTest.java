package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Which held-out text the Context lab scores a sample model on by default (the sample-models layout). */
class ContextLabTextTest {
    @Test
    void contextModelsReadTheirTasksLabTextOthersHaveNone() {
        Path samples = Path.of("sample-models");
        assertEquals(Optional.of(samples.resolve("stories-lab.txt")), ContextWorkspace.labText(samples.resolve("stories-ctx-xl")));
        assertEquals(Optional.of(samples.resolve("stories-lab.txt")),
                ContextWorkspace.labText(samples.resolve("stories-ctx-compressive-conv/model.safetensors")));
        assertEquals(Optional.of(samples.resolve("induction-lab.txt")), ContextWorkspace.labText(samples.resolve("induction-ctx-full")));
        assertTrue(ContextWorkspace.labText(samples.resolve("tiny-stories-grammar")).isEmpty(), "not a context-lab model");
        assertTrue(ContextWorkspace.labText(samples.resolve("induction-2l")).isEmpty(), "not a context-lab model");
        assertTrue(ContextWorkspace.labText(null).isEmpty());
    }
}
