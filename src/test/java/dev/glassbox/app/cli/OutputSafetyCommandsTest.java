package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.OutputFolder;

/**
 * Issue 15's data-loss cases: each command refuses a dangerous --out before any work (exit 2, one line naming the
 * path) and the user's files stay byte for byte; --force writes beside them and never deletes them.
 */
class OutputSafetyCommandsTest {
    private static final Path MODEL = Path.of("sample-models/induction-2l");

    @TempDir
    Path tmp;

    /** Every file under {@code dir} (relative name -> bytes), to compare before and after. */
    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                m.put(dir.relativize(p).toString() + (Files.isDirectory(p) ? "/" : ""),
                        Files.isRegularFile(p) ? Files.readAllBytes(p) : new byte[0]);
            }
        }
        return m;
    }

    private static void assertSame(Map<String, byte[]> before, Map<String, byte[]> after) {
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k));
    }

    /** A folder with a user's notes, a manifest.json of theirs and a sub-folder. */
    private Path usersFolder(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name).resolve("drafts"));
        Files.writeString(dir.resolve("idea.md"), "draft");
        Files.writeString(dir.getParent().resolve("notes.txt"), "my notes");
        Files.writeString(dir.getParent().resolve("manifest.json"), "{\"mine\": true}");
        return dir.getParent();
    }

    private static void assertRefused(CliRun r, Path named) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(named.toString()), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    private static String[] train(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--task", "copy", "--layers", "1", "--heads", "2", "--dim", "16",
                "--seq", "16", "--batch", "2", "--eval-every", "2", "--threads", "1", "--out", out.toString()));
        if (!List.of(extra).contains("--steps")) a.addAll(List.of("--steps", "2"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void trainRefusesAFolderHoldingAUsersFilesBeforeTraining() throws IOException {
        Path dir = usersFolder("work");
        Map<String, byte[]> before = snapshot(dir);
        CliRun r = CliRun.of(train(dir));
        assertRefused(r, dir);
        assertTrue(r.err().contains("--force"), r.err());
        assertFalse(r.out().contains("step"), "no training step ran: " + r.out());
        assertSame(before, snapshot(dir));
        assertEquals(List.of("work"), List.of(tmp.toFile().list()));
    }

    @Test
    void trainWithForceWritesTheCheckpointBesideTheUsersFiles() throws IOException {
        Path dir = usersFolder("work");
        CliRun r = CliRun.of(train(dir, "--force"));
        assertEquals(0, r.code(), r.err());
        assertEquals("my notes", Files.readString(dir.resolve("notes.txt")));
        assertEquals("draft", Files.readString(dir.resolve("drafts/idea.md")));
        assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
        assertEquals(List.of("work"), List.of(tmp.toFile().list()), "no .tmp-/.old- sibling left");
    }

    @Test
    void trainRefusesToWriteIntoItsInitFolder() throws IOException {
        Path m = tmp.resolve("m");
        assertEquals(0, CliRun.of(train(m)).code());
        Files.writeString(m.resolve("README.md"), "about this model");
        Map<String, byte[]> before = snapshot(m);
        CliRun r = CliRun.of("train", "--task", "copy", "--init", m.toString(), "--steps", "2", "--threads", "1",
                "--out", m.toString());
        assertRefused(r, m);
        assertTrue(r.err().contains("--init"), r.err());
        assertSame(before, snapshot(m));
        // the same checkpoint, retrained without --init, is Glassbox's except for the README: refused too
        assertRefused(CliRun.of(train(m)), m);
        assertSame(before, snapshot(m));
    }

    @Test
    void trainRefusesTheWorkingFolderAndAFolderHoldingItsTextBeforeTraining() throws IOException {
        Path cwd = Path.of("").toAbsolutePath();
        CliRun r = CliRun.of(train(Path.of(".")));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--out .") && r.err().contains("--force"), r.err());
        assertFalse(Files.exists(cwd.resolve("training.json")));

        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("story.txt"), "once upon a time ".repeat(20));
        Map<String, byte[]> before = snapshot(data);
        r = CliRun.of("train", "--text-file", data.resolve("story.txt").toString(), "--layers", "1", "--heads", "1",
                "--dim", "8", "--seq", "8", "--steps", "2", "--threads", "1", "--force", "--out", tmp.toString());
        assertRefused(r, tmp);
        assertTrue(r.err().contains("contains the --text-file input"), r.err());
        assertSame(before, snapshot(data));
    }

    @Test
    void trainRefusesAnExistingFileAsItsFolder() throws IOException {
        Path f = Files.writeString(tmp.resolve("results"), "keep me");
        for (String[] args : List.of(train(f), train(f, "--force"))) {
            CliRun r = CliRun.of(args);
            assertRefused(r, f);
            assertEquals("keep me", Files.readString(f));
        }
    }

    @Test
    void trainReusesItsOwnCheckpointFolderAndLeavesNoSibling() throws IOException {
        Path m = tmp.resolve("m");
        assertEquals(0, CliRun.of(train(m, "--save-every", "1")).code());
        CliRun again = CliRun.of(train(m, "--steps", "4", "--resume"));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("resuming"), again.out());
        assertEquals(List.of("m"), List.of(tmp.toFile().list()));
        assertTrue(List.of(m.toFile().list()).contains(OutputFolder.MARKER));
    }

    @Test
    void exportGgufRefusesToOverwriteItsInputOrAnyExistingFile() throws IOException {
        Path bin = tmp.resolve("tiny.bin");
        assertEquals(0, CliRun.of("make-random", "--shape", "tiny", "--out", bin.toString()).code());
        byte[] model = Files.readAllBytes(bin);
        CliRun r = CliRun.of("export-gguf", "--model", bin.toString(), "--force", "--out", bin.toString());
        assertRefused(r, bin);
        assertTrue(r.err().contains("--model input"), r.err());
        assertArrayEquals(model, Files.readAllBytes(bin));

        Path gguf = Files.writeString(tmp.resolve("old.gguf"), "a user's file");
        assertRefused(CliRun.of("export-gguf", "--model", "sample-models/tiny-stories-grammar", "--out", gguf.toString()), gguf);
        assertEquals("a user's file", Files.readString(gguf));
        CliRun r2 = CliRun.of("export-gguf", "--model", "sample-models/tiny-stories-grammar", "--force", "--out", gguf.toString());
        assertEquals(0, r2.code(), r2.err());
        assertEquals("GGUF", new String(Files.readAllBytes(gguf), 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(List.of("old.gguf", "tiny.bin"), Stream.of(tmp.toFile().list()).sorted().toList());
    }

    @Test
    void makeRandomReplacesAnExistingFileOnlyWithForce() throws IOException {
        Path f = Files.writeString(tmp.resolve("m.bin"), "precious");
        CliRun r = CliRun.of("make-random", "--shape", "tiny", "--out", f.toString());
        assertRefused(r, f);
        assertEquals("precious", Files.readString(f));
        assertEquals(0, CliRun.of("make-random", "--shape", "tiny", "--force", "--out", f.toString()).code());
        assertTrue(Files.size(f) > 1000);
        assertEquals(List.of("m.bin"), List.of(tmp.toFile().list()));
    }

    @Test
    void analysisCommandsRefuseAFolderHoldingAUsersFiles() throws IOException {
        Path dir = usersFolder("results");
        Map<String, byte[]> before = snapshot(dir);
        Path text = Files.writeString(tmp.resolve("t.txt"), "abcabcabcabc");
        String model = MODEL.toString();
        List<String[]> commands = List.of(
                new String[] {"heads", "--model", model, "--out", dir.toString()},
                new String[] {"trace", "--model", model, "--prompt", "abc", "--hooks", "logits", "--out", dir.toString()},
                new String[] {"routes", "--model", model, "--prompt", "abc", "--out", dir.toString()},
                new String[] {"context-compare", "--model", model, "--text-file", text.toString(), "--method", "full",
                        "--out", dir.toString()},
                new String[] {"context-sweep", "--model", model, "--text-file", text.toString(), "--method", "sliding:W=2|4",
                        "--out", dir.toString()});
        for (String[] c : commands) {
            CliRun r = CliRun.of(c);
            assertRefused(r, dir);
            assertTrue(r.err().contains("notes.txt") || r.err().contains("manifest.json"), c[0] + ": " + r.err());
            assertSame(before, snapshot(dir));
        }
    }

    @Test
    void traceWithForceReplacesOnlyItsOwnFilesAndThenOwnsNothingElse() throws IOException {
        Path dir = usersFolder("results");
        CliRun r = CliRun.of("trace", "--model", MODEL.toString(), "--prompt", "abc", "--hooks", "logits", "--threads", "1",
                "--force", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(dir.resolve("manifest.json")).contains("\"arrays\""));
        assertEquals("my notes", Files.readString(dir.resolve("notes.txt")));
        assertEquals("draft", Files.readString(dir.resolve("drafts/idea.md")));
        String marker = Files.readString(dir.resolve(OutputFolder.MARKER));
        assertTrue(marker.contains("manifest.json") && marker.contains("logits.npy") && !marker.contains("notes.txt"), marker);

        Path own = tmp.resolve("own");
        for (int i = 0; i < 2; i++) {
            CliRun t = CliRun.of("trace", "--model", MODEL.toString(), "--prompt", "abc", "--hooks", "logits", "--threads",
                    "1", "--out", own.toString());
            assertEquals(0, t.code(), "a folder trace wrote is its own the second time: " + t.err());
        }
    }

    @Test
    void headsRefusesAnOutputInsideTheModelFolder() throws IOException {
        Path copy = Files.createDirectories(tmp.resolve("model"));
        try (Stream<Path> s = Files.list(MODEL)) {
            for (Path p : s.toList()) Files.copy(p, copy.resolve(p.getFileName()));
        }
        Map<String, byte[]> before = snapshot(copy);
        CliRun r = CliRun.of("heads", "--model", copy.toString(), "--force", "--out", copy.resolve("heads").toString());
        assertRefused(r, copy.resolve("heads"));
        assertTrue(r.err().contains("inside the --model input"), r.err());
        assertSame(before, snapshot(copy));
    }
}
