package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a dropped path or the app's argument opens as, decided without a window and before anything loads. */
class OpenTargetTest {
    @TempDir
    Path dir;

    private Path file(String name) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, "x");
    }

    private static String refused(OpenTarget t) {
        return assertInstanceOf(OpenTarget.Refused.class, t, "refused: " + t).reason();
    }

    @Test
    void sessionsModelFilesAndModelFoldersOpen() throws IOException {
        Path session = file("lesson.glassbox");
        assertEquals(new OpenTarget.Session(session), OpenTarget.of(session));
        for (String name : List.of("tiny.gguf", "stories15M.bin", "model.onnx")) {
            Path model = file(name);
            assertEquals(new OpenTarget.Model(model), OpenTarget.of(model), name);
        }
        Path hf = dir.resolve("qwen");
        file("qwen/config.json");
        Path weights = file("qwen/model.safetensors");
        assertEquals(new OpenTarget.Model(hf), OpenTarget.of(hf), "a Hugging Face folder");
        assertEquals(new OpenTarget.Model(hf), OpenTarget.of(weights), "its weights open the folder");
        assertEquals(new OpenTarget.Model(hf), OpenTarget.of(hf.resolve("config.json")), "so does its config.json");
        assertEquals(new OpenTarget.Model(hf), OpenTarget.of(hf.resolve("../qwen")), "paths are normalised");
    }

    @Test
    void whatCannotOpenIsRefusedNamingIt() throws IOException {
        assertTrue(refused(OpenTarget.of(file("notes.txt"))).contains("notes.txt"));
        assertTrue(refused(OpenTarget.of(file("tokenizer.bin"))).contains("tokenizer.bin"), "a tokenizer is no model");
        String alone = refused(OpenTarget.of(file("loose/model-00001-of-00002.safetensors")));
        assertTrue(alone.contains("model-00001-of-00002.safetensors") && alone.contains("config.json"), alone);
        Path photos = Files.createDirectories(dir.resolve("photos"));
        String folder = refused(OpenTarget.of(photos));
        assertTrue(folder.contains("photos") && folder.contains("config.json"), folder);
        String missing = refused(OpenTarget.of(dir.resolve("gone.gguf")));
        assertTrue(missing.contains("gone.gguf"), missing);
        Path folderNamedLikeASession = Files.createDirectories(dir.resolve("odd.glassbox"));
        assertFalse(OpenTarget.of(folderNamedLikeASession) instanceof OpenTarget.Session, "a folder is no session file");
    }

    @Test
    void oneDropOpensOneThing() throws IOException {
        Path model = file("tiny.gguf");
        assertEquals(new OpenTarget.Model(model), OpenTarget.ofDropped(List.of(model)));
        assertTrue(refused(OpenTarget.ofDropped(List.of(model, file("b.gguf")))).contains("2"));
    }

    @Test
    void pathArgumentsAreToldApartFromCommands() {
        for (String arg : List.of("model.gguf", "./stories", "/home/me/qwen", "lesson.glassbox", "C:\\models\\a",
                "file:///tmp/a%20b.gguf")) {
            assertTrue(OpenTarget.isPathArgument(arg), arg);
        }
        for (String arg : List.of("generate", "inspect", "--help", "-V", "--model=x.gguf")) {
            assertFalse(OpenTarget.isPathArgument(arg), arg);
        }
        assertEquals(Path.of("/tmp/a b.gguf"), OpenTarget.argumentPath("file:///tmp/a%20b.gguf"), "a desktop's file: URI");
        assertEquals(Path.of("models/x.gguf"), OpenTarget.argumentPath("models/x.gguf"));
    }
}
