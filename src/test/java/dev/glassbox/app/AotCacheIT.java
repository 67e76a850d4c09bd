package dev.glassbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's start-up cache, end to end on the packaged jar: the windowless recording run ({@code --aot-training},
 * as {@code ./glassbox} starts it) writes a cache the JDK accepts with its module graph and linked classes, which is
 * what the app's start gains from (none of it if the Vector API module were in the boot layer).
 */
class AotCacheIT {
    private static final Path JAR = Path.of("target", "glassbox.jar");

    @TempDir
    Path dir;

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "did not finish: " + command);
        assertEquals(0, p.exitValue(), command + "\n" + output);
        return output;
    }

    @Test
    void recordingRunWritesACacheWithTheModuleGraphAndLinkedClasses() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "run after package: " + JAR.toAbsolutePath());
        Path cache = dir.resolve("glassbox.aot");
        run(new ArrayList<>(List.of(java(), "-XX:AOTCacheOutput=" + cache, "-Xlog:aot=error",
                "-Dglass.platform=Headless", "-Dprism.order=sw", "-Djava.awt.headless=true",
                "-jar", JAR.toString(), "--aot-training")));
        assertTrue(Files.size(cache) > 1_000_000, "cache written: " + Files.size(cache) + " bytes");

        String used = run(List.of(java(), "-XX:AOTCache=" + cache, "-XX:AOTMode=on", "-Xlog:aot=info",
                "-jar", JAR.toString(), "--version"));
        assertTrue(used.contains("full module graph: enabled"), used);
        assertTrue(used.contains("Using AOT-linked classes: true"), used);
        assertTrue(used.contains("Glassbox "), "and the engine's module loads after it: " + used);
    }
}
