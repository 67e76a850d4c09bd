package dev.glassbox.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFolderTest {
    private static final Set<String> CHECKPOINT = Set.of("config.json", "model.safetensors", "optimizer.bin");

    @TempDir
    Path tmp;

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String refusal(Path dir, boolean force, OutputFolder.Input... inputs) {
        return assertThrows(IllegalArgumentException.class, () -> OutputFolder.check(dir, "--out", force, inputs)).getMessage();
    }

    @Test
    void aNewOrEmptyFolderIsAccepted() throws IOException {
        OutputFolder.check(tmp.resolve("new"), "--out", false).writeString("a.csv", "1");
        assertEquals(List.of(OutputFolder.MARKER, "a.csv"), names(tmp.resolve("new")));
        Files.createDirectory(tmp.resolve("empty"));
        OutputFolder.check(tmp.resolve("empty"), "--out", false).writeString("a.csv", "1");
        assertEquals("1", Files.readString(tmp.resolve("empty/a.csv")));
    }

    @Test
    void aFolderWithAUsersFilesIsRefusedUnlessForcedAndTheFilesAreKept() throws IOException {
        Path dir = tmp.resolve("notes");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("notes.txt"), "mine");
        Files.writeString(dir.resolve("manifest.json"), "{\"mine\":1}");
        String m = refusal(dir, false);
        assertTrue(m.contains(dir.toString()) && m.contains("--force") && m.contains("notes.txt"), m);
        assertEquals(List.of("manifest.json", "notes.txt", "sub"), names(dir));

        OutputFolder f = OutputFolder.check(dir, "--out", true);
        f.writeString("manifest.json", "{}");
        f.writeString("a.csv", "1");
        assertEquals(List.of(OutputFolder.MARKER, "a.csv", "manifest.json", "notes.txt", "sub"), names(dir));
        assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
        // the user's notes are still there, so the next run must be forced again
        refusal(dir, false);
    }

    @Test
    void aFolderGlassboxWroteIsReusedUntilAUserAddsAFile() throws IOException {
        Path dir = tmp.resolve("out");
        OutputFolder.check(dir, "--out", false).writeString("a.csv", "1");
        OutputFolder.check(dir, "--out", false).writeString("a.csv", "2");
        assertEquals("2", Files.readString(dir.resolve("a.csv")));
        Files.writeString(dir.resolve("README.md"), "mine");
        assertTrue(refusal(dir, false).contains("README.md"));
    }

    @Test
    void aFileWhereAFolderIsExpectedIsRefusedEvenWithForce() throws IOException {
        Path f = tmp.resolve("results");
        Files.writeString(f, "data");
        for (boolean force : new boolean[] {false, true}) {
            String m = refusal(f, force);
            assertTrue(m.contains(f.toString()) && m.contains("is a file"), m);
        }
        assertEquals("data", Files.readString(f));
    }

    @Test
    void anOutputThatIsHoldsOrLiesInsideAnInputIsRefusedEvenWithForce() throws IOException {
        Path model = Files.createDirectories(tmp.resolve("model"));
        Path text = Files.writeString(Files.createDirectories(tmp.resolve("data")).resolve("text.txt"), "abc");
        OutputFolder.Input init = new OutputFolder.Input("--init", model);
        OutputFolder.Input textIn = new OutputFolder.Input("--text-file", text);
        assertTrue(refusal(model, true, init).contains("is the --init input"));
        assertTrue(refusal(model.resolve("sub"), true, init).contains("inside the --init input"));
        assertTrue(refusal(tmp.resolve("data"), true, textIn).contains("contains the --text-file input"));
        assertTrue(refusal(tmp.resolve("data/../model/."), true, init).contains("is the --init input"));
        OutputFolder.check(tmp.resolve("elsewhere"), "--out", false, init, textIn, null);
    }

    @Test
    void aSingleOutputFileMustNotExistUnlessForcedNorBeAnInput() throws IOException {
        Path f = Files.writeString(tmp.resolve("m.gguf"), "x");
        String m = assertThrows(IllegalArgumentException.class, () -> OutputFolder.checkFile(f, "--out", false)).getMessage();
        assertTrue(m.contains(f.toString()) && m.contains("--force"), m);
        OutputFolder.checkFile(f, "--out", true);
        m = assertThrows(IllegalArgumentException.class,
                () -> OutputFolder.checkFile(f, "--out", true, new OutputFolder.Input("--model", f))).getMessage();
        assertTrue(m.contains("is the --model input"), m);
        m = assertThrows(IllegalArgumentException.class, () -> OutputFolder.checkFile(tmp, "--out", true)).getMessage();
        assertTrue(m.contains("is a folder"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> OutputFolder.checkFile(tmp.resolve("no/m.gguf"), "--out", true)).getMessage();
        assertTrue(m.contains("does not exist"), m);
    }

    @Test
    void replaceSwapsAWholeFolderAndLeavesNoSibling() throws IOException {
        Path dir = tmp.resolve("ckpt");
        OutputFolder.check(dir, "--out", false, CHECKPOINT::contains).replace(d -> {
            Files.writeString(d.resolve("config.json"), "1");
            Files.writeString(d.resolve("optimizer.bin"), "1");
        });
        OutputFolder.check(dir, "--out", false, CHECKPOINT::contains).replace(d -> Files.writeString(d.resolve("config.json"), "2"));
        assertEquals(List.of(OutputFolder.MARKER, "config.json"), names(dir));
        assertEquals("2", Files.readString(dir.resolve("config.json")));
        assertEquals(List.of("ckpt"), names(tmp));
    }

    @Test
    void aCheckpointFolderWithoutMarkerCountsAsGlassboxsByItsFileNames() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("legacy"));
        Files.writeString(dir.resolve("config.json"), "old");
        OutputFolder.check(dir, "--out", false, CHECKPOINT::contains).replace(d -> Files.writeString(d.resolve("config.json"), "new"));
        assertEquals("new", Files.readString(dir.resolve("config.json")));
        assertEquals(List.of("legacy"), names(tmp));
    }

    @Test
    void replaceWithForceKeepsTheUsersFilesInPlace() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ckpt"));
        Files.writeString(dir.resolve("README.md"), "mine");
        Files.createDirectory(dir.resolve("notes"));
        assertThrows(IllegalArgumentException.class, () -> OutputFolder.check(dir, "--out", false, CHECKPOINT::contains));
        OutputFolder.check(dir, "--out", true, CHECKPOINT::contains).replace(d -> Files.writeString(d.resolve("config.json"), "1"));
        assertEquals(List.of(OutputFolder.MARKER, "README.md", "config.json", "notes"), names(dir));
        assertEquals("mine", Files.readString(dir.resolve("README.md")));
        assertEquals(List.of("ckpt"), names(tmp));
    }

    @Test
    void staleSiblingsOfAKilledRunAreRemovedByTheNextButNotAUsersFolder() throws IOException {
        Path dir = tmp.resolve("ckpt");
        OutputFolder.check(dir, "--out", false, CHECKPOINT::contains).replace(d -> Files.writeString(d.resolve("config.json"), "1"));
        Path staleTmp = Files.createDirectories(tmp.resolve("ckpt.tmp-123"));
        Files.writeString(staleTmp.resolve(OutputFolder.MARKER), "");
        Files.writeString(staleTmp.resolve("model.safetensors"), "half");
        Files.writeString(staleTmp.resolve(".model.safetensors.x.glassbox-tmp"), "half");
        Path staleOld = Files.createDirectories(tmp.resolve("ckpt.old-456"));
        Files.writeString(staleOld.resolve(OutputFolder.MARKER), "# \nconfig.json\n");
        Files.writeString(staleOld.resolve("config.json"), "0");
        Files.createDirectories(tmp.resolve("ckpt.tmp-789")); // killed before its marker was made
        Path users = Files.createDirectories(tmp.resolve("ckpt.tmp-mine"));
        Files.writeString(users.resolve("plan.txt"), "mine");
        Path marked = Files.createDirectories(tmp.resolve("ckpt.old-mine"));
        Files.writeString(marked.resolve(OutputFolder.MARKER), "");
        Files.writeString(marked.resolve("plan.txt"), "mine");

        OutputFolder.check(dir, "--out", false, CHECKPOINT::contains);
        assertEquals(List.of("ckpt", "ckpt.old-mine", "ckpt.tmp-mine"), names(tmp));
        assertEquals("mine", Files.readString(users.resolve("plan.txt")));
        assertEquals("1", Files.readString(dir.resolve("config.json")));
    }

    @Test
    void aRunKilledBetweenTheTwoRenamesGetsItsPreviousFolderBack() throws IOException {
        Path dir = tmp.resolve("ckpt");
        OutputFolder.check(dir, "--out", false, CHECKPOINT::contains).replace(d -> Files.writeString(d.resolve("config.json"), "1"));
        Files.move(dir, tmp.resolve("ckpt.old-789"));
        OutputFolder.check(dir, "--out", false, CHECKPOINT::contains);
        assertEquals(List.of("ckpt"), names(tmp));
        assertEquals("1", Files.readString(dir.resolve("config.json")));
        assertFalse(Files.exists(tmp.resolve("ckpt.old-789")));
    }
}
