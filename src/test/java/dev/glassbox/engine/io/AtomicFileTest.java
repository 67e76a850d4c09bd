package dev.glassbox.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void commitReplacesTheTargetAndLeavesNoTemporary() throws IOException {
        Path f = dir.resolve("a.csv");
        Files.writeString(f, "old");
        AtomicFile.writeString(f, "new");
        assertEquals("new", Files.readString(f));
        assertEquals(List.of("a.csv"), names());
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndRemovesItsTemporary() throws IOException {
        Path f = dir.resolve("a.csv");
        Files.writeString(f, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(f, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("a.csv"), names());
    }

    @Test
    void whileWritingTheTargetIsUntouchedAndTheTemporaryIsHidden() throws IOException {
        Path f = dir.resolve("m.bin");
        byte[] old = {1, 2, 3};
        Files.write(f, old);
        try (AtomicFile a = AtomicFile.create(f)) {
            a.stream().write(new byte[1000]);
            a.stream().flush();
            assertArrayEquals(old, Files.readAllBytes(f));
            List<String> n = names();
            assertEquals(2, n.size(), n.toString());
            assertTrue(n.getFirst().startsWith(".m.bin.") && n.getFirst().endsWith(".glassbox-tmp"), n.toString());
            // a second writer of the same target does not take the first one's temporary for stale
            AtomicFile.writeString(dir.resolve("other.txt"), "x");
            AtomicFile.deleteStale(f);
            assertEquals(3, names().size(), names().toString());
            a.commit();
        }
        assertEquals(1000, Files.size(f));
    }

    @Test
    void theNextWriteRemovesAStaleTemporaryOfItsTargetOnly() throws IOException {
        Path f = dir.resolve("m.bin");
        Files.writeString(dir.resolve(".m.bin.abc.glassbox-tmp"), "left by a killed run");
        Files.writeString(dir.resolve(".n.bin.abc.glassbox-tmp"), "another target's");
        Files.writeString(dir.resolve("m.bin.tmp"), "a user's file");
        AtomicFile.writeString(f, "new");
        assertEquals(List.of(".n.bin.abc.glassbox-tmp", "m.bin", "m.bin.tmp"), names());
    }

    @Test
    void aFolderIsNotAFileTarget() throws IOException {
        Files.createDirectory(dir.resolve("sub"));
        IOException e = assertThrows(IOException.class, () -> AtomicFile.writeString(dir.resolve("sub"), "x"));
        assertTrue(e.getMessage().contains("sub") && e.getMessage().contains("folder"), e.getMessage());
    }
}
