package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session files without a window: round trip, model paths relative to the file, clear errors for bad files. */
class SessionFilesTest {
    @TempDir
    Path dir;

    private static SessionFile.SessionState state(String model) {
        return new SessionFile.SessionState(model, "Once upon a time", new SessionFile.Sampling(0.7, 0.95, 5, 7, 32), 1,
                new SessionFile.Head(1, 2), List.of(new SessionFile.Head(1, 1), new SessionFile.Head(1, 2)), "ZERO");
    }

    @Test
    void saveThenOpenGivesAnEqualSession() throws IOException {
        Path model = dir.resolve("models/induction-2l").toAbsolutePath();
        SessionFile.Step step = new SessionFile.Step(Map.of("en", "Heads", "zh", "注意力头"), Map.of("en", "text"),
                new SessionFile.SessionState(model.toString(), "abc", null, 1, null, List.of(), null));
        SessionFile saved = new SessionFile(SessionFile.VERSION, state(model.toString()), List.of(step));
        Path file = dir.resolve("s.glassbox");
        SessionFiles.write(file, saved);
        assertEquals(saved, SessionFiles.read(file));
        assertEquals("注意力头", step.title(Locale.SIMPLIFIED_CHINESE));
        assertEquals("text", step.text(Locale.SIMPLIFIED_CHINESE), "falls back to English");
    }

    @Test
    void aRelativeModelPathIsTakenFromTheFilesFolder() throws IOException {
        Path file = dir.resolve("lessons/a.glassbox");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"version\":1,\"state\":{\"model\":\"../induction-2l\",\"prompt\":\"x\"}}");
        SessionFile s = SessionFiles.read(file);
        assertEquals(dir.resolve("induction-2l").toAbsolutePath().normalize().toString(), s.state().model());
        assertEquals(null, s.state().ablated(), "an absent field leaves that part as it is");
    }

    @Test
    void contextRoutingAndTrainingRoundTripAndAContextTextIsTakenFromTheFilesFolder() throws IOException {
        Path text = dir.resolve("stories-lab.txt").toAbsolutePath();
        SessionFile.SessionState full = new SessionFile.SessionState(null, "x", null, 2, null, null, null,
                new SessionFile.ContextLab(List.of("full", "native", "sliding:W=32", ""), text.toString(), 256),
                new SessionFile.Routing("skip:1", 8), Map.of("task", "induction", "steps", "800"));
        Path file = dir.resolve("full.glassbox");
        SessionFiles.write(file, SessionFile.of(full));
        assertEquals(full, SessionFiles.read(file).state());

        Path lesson = dir.resolve("lessons/b.glassbox");
        Files.createDirectories(lesson.getParent());
        Files.writeString(lesson, "{\"version\":1,\"state\":{\"context\":{\"methods\":[\"full\"],\"text\":\"../stories-lab.txt\"}}}");
        SessionFile.ContextLab c = SessionFiles.read(lesson).state().context();
        assertEquals(text.normalize().toString(), c.text());
        assertEquals(null, c.maxLength(), "an absent length stays as it is");
    }

    @Test
    void aFileWrittenBeforeTheContextRoutingAndTrainingPartsStillOpens() throws IOException {
        Path old = dir.resolve("old.glassbox");
        Files.writeString(old, """
                {"version": 1, "state": {"model": "bundled:MiniLM", "prompt": "abc", "workspace": 1,
                 "selected": {"layer": 1, "head": 2}, "ablated": [], "ablationMode": "ZERO"}}""");
        SessionFile.SessionState s = SessionFiles.read(old).state();
        assertEquals(new SessionFile.SessionState("bundled:MiniLM", "abc", null, 1, new SessionFile.Head(1, 2), List.of(),
                "ZERO"), s);
        assertEquals(null, s.context());
        assertEquals(null, s.routing());
        assertEquals(null, s.training());
    }

    @Test
    void badFilesAreOneLineErrorsNamingTheFile() throws IOException {
        Path newer = dir.resolve("newer.glassbox");
        Files.writeString(newer, "{\"version\":99,\"state\":{}}");
        IOException e = assertThrows(IOException.class, () -> SessionFiles.read(newer));
        assertTrue(e.getMessage().startsWith(newer + ": session format version 99"), e.getMessage());
        Path broken = dir.resolve("broken.glassbox");
        Files.writeString(broken, "{\"version\":1,\"state\":{\"prompt\":");
        e = assertThrows(IOException.class, () -> SessionFiles.read(broken));
        assertTrue(e.getMessage().startsWith(broken + ": not a valid Glassbox session"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        Path missing = dir.resolve("missing.glassbox");
        e = assertThrows(IOException.class, () -> SessionFiles.read(missing));
        assertEquals(missing + ": no such file", e.getMessage());
    }
}
