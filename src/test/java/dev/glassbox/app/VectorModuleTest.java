package dev.glassbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Glassbox started without {@code --add-modules jdk.incubator.vector} (as the launcher starts it) loads the Vector API
 * module itself and computes the same tokens as a JVM started with it; when the JDK does not let it (no
 * {@code Add-Exports}, as for a plain class path), it says what to do instead of failing on a missing class.
 */
class VectorModuleTest {
    private static final String EXPORT = "--add-exports=java.base/jdk.internal.module=ALL-UNNAMED";

    private record Run(int exit, String out, String err) {
    }

    private static Run glassbox(List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.glassbox.app.Main"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        var err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "glassbox did not finish");
        return new Run(p.exitValue(), out, err.get());
    }

    @Test
    void loadsTheModuleItselfAndGeneratesWhatAJvmStartedWithItDoes() throws Exception {
        String[] generate = {"generate", "--model", "sample-models/tiny-stories-grammar", "--prompt", "Once upon",
                "--steps", "12", "--threads", "2"};
        Run loaded = glassbox(List.of(EXPORT), generate);
        Run flagged = glassbox(List.of("--add-modules=jdk.incubator.vector"), generate);
        assertEquals(0, loaded.exit(), loaded.err());
        assertEquals(0, flagged.exit(), flagged.err());
        assertFalse(loaded.out().isBlank());
        assertEquals(flagged.out().lines().findFirst(), loaded.out().lines().findFirst(), "same tokens");
        assertFalse(loaded.err().contains("incubator"), "no module flag, no incubator warning: " + loaded.err());
    }

    @Test
    void withoutTheExportItNamesTheWayToStart() throws Exception {
        Run run = glassbox(List.of(), "--version");
        assertEquals(2, run.exit(), run.out() + run.err());
        assertTrue(run.err().contains("Vector API") && run.err().contains("--add-modules jdk.incubator.vector")
                && run.err().contains("./glassbox"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    }
}
