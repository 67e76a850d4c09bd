package dev.glassbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./glassbox} launcher's choice of JVM flags: it records the AOT cache when there is none or it is older
 * than the jar, a library or the JDK, loads it otherwise, and leaves command-line commands alone. Runs the real
 * script against a fake JDK whose {@code java} writes down its arguments (and the cache, as the real JVM does).
 */
class LauncherScriptTest {
    private static final Instant BUILT = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;
    private Path cache;
    private Path args;
    private Path jdk;

    @BeforeEach
    void setUp() throws IOException {
        Files.copy(Path.of("glassbox"), dir.resolve("glassbox"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(dir.resolve("target/lib"));
        touch(dir.resolve("target/glassbox.jar"), BUILT);
        touch(dir.resolve("target/lib/javafx-base.jar"), BUILT);
        cache = dir.resolve("target/glassbox.aot");
        args = dir.resolve("java-args.txt");
        jdk = dir.resolve("jdk");
        Files.createDirectories(jdk.resolve("bin"));
        Files.createDirectories(jdk.resolve("lib"));
        touch(jdk.resolve("lib/modules"), BUILT);
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, """
                #!/usr/bin/env bash
                for a in "$@"; do # the launcher's check of a recorded cache: usable when complete
                    case "$a" in -XX:AOTCache=*) cached="${a#-XX:AOTCache=}" ;; -XX:AOTMode=on) check=1 ;; esac
                done
                if [ -n "$check" ]; then [ "$(cat "$cached")" = complete ]; exit; fi
                printf '%s\\n' "$@" > "$ARGS_FILE"
                for a in "$@"; do
                    case "$a" in -XX:AOTCacheOutput=*) echo "$FAKE_CACHE_WRITTEN" > "${a#-XX:AOTCacheOutput=}" ;; esac
                done
                exit 3
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void touch(Path file, Instant time) throws IOException {
        if (!Files.exists(file)) {
            Files.writeString(file, "x");
        }
        Files.setLastModifiedTime(file, FileTime.from(time));
    }

    /** Runs the launcher, returns the arguments the fake java received; the JVM's exit status must come through. */
    private List<String> launch(String written, String aotSetting, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", dir.resolve("glassbox").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.environment().put("ARGS_FILE", args.toString());
        pb.environment().put("FAKE_CACHE_WRITTEN", written);
        if (aotSetting != null) {
            pb.environment().put("GLASSBOX_AOT", aotSetting);
        } else {
            pb.environment().remove("GLASSBOX_AOT");
        }
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "launcher did not finish");
        assertEquals(3, p.exitValue(), "the JVM's exit status is the launcher's; output: " + output);
        return Files.readAllLines(args);
    }

    private List<String> launchApp() throws Exception {
        return launch("complete", null);
    }

    private static String flag(List<String> javaArgs, String prefix) {
        return javaArgs.stream().filter(a -> a.startsWith(prefix)).findFirst().orElse(null);
    }

    @Test
    void firstStartRecordsTheCacheAndTheNextLoadsIt() throws Exception {
        List<String> first = launchApp();
        assertTrue(flag(first, "-XX:AOTCacheOutput=" + cache) != null, "records: " + first);
        assertTrue(Files.isRegularFile(cache), "the recorded cache is renamed into place");
        try (var files = Files.list(cache.getParent())) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
        List<String> second = launchApp();
        assertEquals("-XX:AOTCache=" + cache, flag(second, "-XX:AOTCache="), "loads: " + second);
        assertEquals(null, flag(second, "-XX:AOTCacheOutput"));
        assertTrue(second.containsAll(List.of("--add-modules", "jdk.incubator.vector", "-jar")), second.toString());
    }

    @Test
    void cacheOlderThanTheJarALibraryOrTheJdkIsRecordedAgain() throws Exception {
        for (Path changed : List.of(dir.resolve("target/glassbox.jar"), dir.resolve("target/lib/javafx-base.jar"),
                jdk.resolve("lib/modules"))) {
            touch(cache, BUILT.plusSeconds(60));
            assertTrue(flag(launchApp(), "-XX:AOTCache=") != null, "fresh cache is loaded");
            touch(changed, BUILT.plusSeconds(120));
            assertTrue(flag(launchApp(), "-XX:AOTCacheOutput=") != null, "stale after " + changed.getFileName() + " changed");
            touch(changed, BUILT);
        }
    }

    @Test
    void damagedRecordingIsNotKept() throws Exception {
        launch("half-written", null);
        try (var files = Files.list(cache.getParent())) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("glassbox.aot")), "no cache, no leftovers");
        }
        assertTrue(flag(launchApp(), "-XX:AOTCacheOutput=") != null, "the next start records again");
    }

    @Test
    void commandsAndMeasureStartupAreTreatedApart() throws Exception {
        touch(cache, BUILT.plusSeconds(60));
        List<String> cli = launch("complete", null, "generate", "--prompt", "two words");
        assertEquals(null, flag(cli, "-XX:AOT"), "commands run without the cache: " + cli);
        assertEquals(List.of("generate", "--prompt", "two words"), cli.subList(cli.size() - 3, cli.size()));
        assertTrue(flag(launch("complete", null, "--measure-startup"), "-XX:AOTCache=") != null, "--measure-startup is the app");
        assertEquals(null, flag(launch("complete", "off"), "-XX:AOT"), "GLASSBOX_AOT=off");
    }
}
