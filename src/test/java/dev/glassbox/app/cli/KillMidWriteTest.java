package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.train.Checkpoint;
import dev.glassbox.testing.SharedData;

/**
 * kill -9 while a command writes (a child JVM, killed once its temporary output appears): the previous output is
 * intact, nothing partial sits at the target, and the next run removes what the killed one left.
 */
class KillMidWriteTest {
    @TempDir
    Path tmp;

    private static Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "dev.glassbox.app.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Waits (up to two minutes: a loaded machine) until an entry of {@code dir} matches, then kills the child; fails if it ended first. */
    private static void killWhen(Process p, Path dir, Predicate<Path> writing, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            assertTrue(p.isAlive(), "the child ended before it was caught writing: " + Files.readString(log));
            try (Stream<Path> s = Files.list(dir)) {
                if (s.anyMatch(writing)) break;
            }
            assertTrue(System.nanoTime() < deadline, "no temporary output appeared: " + Files.readString(log));
            Thread.sleep(2);
        }
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }

    private static Predicate<Path> temporaryOf(String target, long atLeast) {
        return p -> {
            String n = p.getFileName().toString();
            try {
                return n.startsWith("." + target + ".") && n.endsWith(".glassbox-tmp") && Files.size(p) >= atLeast;
            } catch (IOException e) {
                return false; // renamed meanwhile
            }
        };
    }

    @Test
    void makeRandomKilledMidWriteLeavesThePreviousFile() throws Exception {
        Path f = tmp.resolve("m.bin");
        assertEquals(0, CliRun.of("make-random", "--shape", "tiny", "--out", f.toString()).code());
        byte[] previous = Files.readAllBytes(f);
        Path log = tmp.resolve("log");
        Process p = start(log, "make-random", "--shape", "stories15M", "--force", "--out", f.toString());
        killWhen(p, tmp, temporaryOf("m.bin", 1 << 20), log);
        assertArrayEquals(previous, Files.readAllBytes(f));
        assertEquals(1, names(tmp).stream().filter(n -> n.endsWith(".glassbox-tmp")).count(), names(tmp).toString());

        assertEquals(0, CliRun.of("make-random", "--shape", "tiny", "--seed", "7", "--force", "--out", f.toString()).code());
        assertEquals(List.of("log", "m.bin"), names(tmp), "the next run removed the stale temporary");
    }

    @Test
    @Tag("shared-data")
    void exportGgufKilledMidWriteLeavesThePreviousFile() throws Exception {
        String tok = SharedData.require("models/llama2c-tokenizer/tokenizer.bin").toString();
        Path bin = tmp.resolve("m.bin");
        Path gguf = tmp.resolve("m.gguf");
        assertEquals(0, CliRun.of("make-random", "--shape", "stories15M", "--out", bin.toString()).code());
        Files.writeString(gguf, "the previous export");
        Path log = tmp.resolve("log");
        Process p = start(log, "export-gguf", "--model", bin.toString(), "--tokenizer", tok, "--threads", "1", "--force",
                "--out", gguf.toString());
        killWhen(p, tmp, temporaryOf("m.gguf", 1 << 20), log);
        assertEquals("the previous export", Files.readString(gguf));

        // the next export to that file (of a small model, to stay quick) removes the killed one's temporary
        assertEquals(0, CliRun.of("export-gguf", "--model", "sample-models/tiny-stories-grammar", "--threads", "1", "--force",
                "--out", gguf.toString()).code());
        assertEquals(List.of("log", "m.bin", "m.gguf"), names(tmp), "the next run removed the stale temporary");
    }

    @Test
    void trainKilledWhileSavingKeepsACompleteCheckpointAndTheNextRunCleansUp() throws Exception {
        Path m = tmp.resolve("m");
        String[] args = {"train", "--task", "copy", "--layers", "2", "--heads", "2", "--dim", "64", "--seq", "16",
                "--batch", "2", "--steps", "100000", "--eval-every", "1000", "--save-every", "1", "--threads", "1",
                "--out", m.toString()};
        Path log = tmp.resolve("log");
        Process p = start(log, args);
        // caught building the next checkpoint beside a finished one
        killWhen(p, tmp, s -> s.getFileName().toString().startsWith("m.tmp-") && Files.isRegularFile(s.resolve("config.json"))
                && Files.isRegularFile(m.resolve("training.json")), log);
        try (Parallel par = new Parallel(1)) {
            Checkpoint.Restored r = Checkpoint.read(m, par);
            assertTrue(r.step() >= 1, "a complete checkpoint: " + r.training());
        }
        assertTrue(names(m).containsAll(List.of(OutputFolder.MARKER, "config.json", "model.safetensors", "tokenizer.json",
                "training.json", Checkpoint.OPTIMIZER_FILE)), names(m).toString());
        // the killed save's m.tmp-* folder usually remains (unless the kill came just after its swap)

        String[] again = args.clone();
        again[14] = "1"; // --steps: a short run into the same (Glassbox's) folder
        CliRun r = CliRun.of(again);
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("log", "m"), names(tmp), "the next run removed the killed run's folders");
    }
}
