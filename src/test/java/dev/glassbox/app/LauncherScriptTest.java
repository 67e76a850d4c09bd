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
 * The {@code ./glassbox} launcher's choice of JVM flags: never the Vector API flag (Main loads the module); the app
 * starts with the AOT cache when it is fresh; when there is none, or it is older than the jar, a library or the JDK,
 * a windowless recording run writes it in the background while the app starts without it. Command-line commands run
 * without the cache. Runs the real script against a fake JDK whose {@code java} writes down its arguments (and the
 * cache, as the real JVM does).
 */
class LauncherScriptTest {
    private static final Instant BUILT = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;
    private Path cache;
    private Path appArgs;
    private Path trainingArgs;
    private Path jdk;
    /** Extra environment of the next launches. */
    private final java.util.Map<String, String> env = new java.util.HashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        Files.copy(Path.of("glassbox"), dir.resolve("glassbox"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(dir.resolve("target/lib"));
        touch(dir.resolve("target/glassbox.jar"), BUILT);
        touch(dir.resolve("target/lib/javafx-base.jar"), BUILT);
        cache = dir.resolve("target/glassbox.aot");
        appArgs = dir.resolve("app-args.txt");
        trainingArgs = dir.resolve("training-args.txt");
        jdk = dir.resolve("jdk");
        Files.createDirectories(jdk.resolve("bin"));
        Files.createDirectories(jdk.resolve("lib"));
        touch(jdk.resolve("lib/modules"), BUILT);
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, """
                #!/usr/bin/env bash
                for a in "$@"; do # the launcher's check of a recorded cache: usable when complete
                    case "$a" in -XX:AOTCache=*) cached="${a#-XX:AOTCache=}" ;; -XX:AOTMode=on) check=1 ;;
                        --aot-training) training=1 ;; esac
                done
                if [ -n "$check" ]; then [ "$(cat "$cached")" = complete ]; exit; fi
                if [ -n "$training" ]; then
                    printf '%s\n' "$@" > "$TRAINING_ARGS_FILE"
                    for a in "$@"; do
                        case "$a" in -XX:AOTCacheOutput=*) echo "$FAKE_CACHE_WRITTEN" > "${a#-XX:AOTCacheOutput=}" ;; esac
                    done
                    exit 0
                fi
                printf '%s\n' "$@" > "$ARGS_FILE"
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

    /**
     * Runs the launcher, returns the arguments the fake java received for the app or command (the JVM's exit status
     * must come through) after any background recording it started has finished.
     */
    private List<String> launch(String written, String aotSetting, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", dir.resolve("glassbox").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.environment().put("ARGS_FILE", appArgs.toString());
        pb.environment().put("TRAINING_ARGS_FILE", trainingArgs.toString());
        pb.environment().put("FAKE_CACHE_WRITTEN", written);
        pb.environment().put("GLASSBOX_AOT_DELAY", "0");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().putAll(env);
        if (aotSetting != null) {
            pb.environment().put("GLASSBOX_AOT", aotSetting);
        } else {
            pb.environment().remove("GLASSBOX_AOT");
        }
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "launcher did not finish");
        assertEquals(3, p.exitValue(), "the JVM's exit status is the launcher's; output: " + output);
        Path lock = dir.resolve("target/glassbox.aot.lock");
        for (int i = 0; i < 300 && Files.exists(lock); i++) {
            Thread.sleep(50);
        }
        assertFalse(Files.exists(lock), "the background recording finished and released its lock");
        return Files.readAllLines(appArgs);
    }

    private List<String> launchApp() throws Exception {
        return launch("complete", null);
    }

    /** The arguments of the last background recording, then forgotten; null when none ran. */
    private List<String> takeTraining() throws IOException {
        if (!Files.exists(trainingArgs)) {
            return null;
        }
        List<String> args = Files.readAllLines(trainingArgs);
        Files.delete(trainingArgs);
        return args;
    }

    private static String flag(List<String> javaArgs, String prefix) {
        return javaArgs.stream().filter(a -> a.startsWith(prefix)).findFirst().orElse(null);
    }

    @Test
    void firstStartRecordsTheCacheInTheBackgroundAndTheNextLoadsIt() throws Exception {
        List<String> first = launchApp();
        assertEquals(null, flag(first, "-XX:AOT"), "the app starts at once, without a cache: " + first);
        assertFalse(first.contains("--add-modules"), "the app loads the Vector API module itself: " + first);
        List<String> training = takeTraining();
        assertTrue(training != null && training.contains("--aot-training") && training.contains("-Dglass.platform=Headless")
                && flag(training, "-XX:AOTCacheOutput=" + cache) != null, "a windowless run records: " + training);
        assertTrue(Files.isRegularFile(cache), "the recorded cache is renamed into place");
        try (var files = Files.list(cache.getParent())) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
        List<String> second = launchApp();
        assertEquals("-XX:AOTCache=" + cache, flag(second, "-XX:AOTCache="), "loads: " + second);
        assertEquals(null, takeTraining(), "nothing recorded when the cache is fresh");
        assertFalse(second.contains("--add-modules"), second.toString());
        assertEquals("-jar", second.get(second.size() - 2), second.toString());
    }

    @Test
    void cacheOlderThanTheJarALibraryOrTheJdkIsRecordedAgain() throws Exception {
        for (Path changed : List.of(dir.resolve("target/glassbox.jar"), dir.resolve("target/lib/javafx-base.jar"),
                jdk.resolve("lib/modules"))) {
            touch(cache, BUILT.plusSeconds(60));
            assertTrue(flag(launchApp(), "-XX:AOTCache=") != null, "fresh cache is loaded");
            touch(changed, BUILT.plusSeconds(120));
            assertEquals(null, flag(launchApp(), "-XX:AOTCache="), "stale after " + changed.getFileName() + " changed");
            assertTrue(takeTraining() != null, "recorded again after " + changed.getFileName() + " changed");
            touch(changed, BUILT);
        }
    }

    @Test
    void damagedRecordingIsNotKept() throws Exception {
        launch("half-written", null);
        assertTrue(takeTraining() != null);
        try (var files = Files.list(cache.getParent())) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("glassbox.aot")), "no cache, no leftovers");
        }
        launchApp();
        assertTrue(takeTraining() != null, "the next start records again");
    }

    @Test
    void aLeftoverLockIsClearedButARecordingInProgressIsLeftAlone() throws Exception {
        Path lock = Files.createDirectories(dir.resolve("target/glassbox.aot.lock"));
        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(3600)));
        launchApp();
        assertTrue(takeTraining() != null, "an hour-old lock is a leftover of a killed recording");
        Files.delete(cache);
        Files.createDirectories(lock);
        List<String> command = List.of("bash", dir.resolve("glassbox").toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.environment().put("ARGS_FILE", appArgs.toString());
        pb.environment().put("TRAINING_ARGS_FILE", trainingArgs.toString());
        pb.environment().put("FAKE_CACHE_WRITTEN", "complete");
        pb.environment().put("GLASSBOX_AOT_DELAY", "0");
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue());
        Thread.sleep(500);
        assertEquals(null, takeTraining(), "another start is recording: this one does not");
    }

    @Test
    void commandsAndMeasureStartupAreTreatedApart() throws Exception {
        touch(cache, BUILT.plusSeconds(60));
        List<String> cli = launch("complete", null, "generate", "--prompt", "two words");
        assertEquals(null, flag(cli, "-XX:AOT"), "commands run without the cache: " + cli);
        assertFalse(cli.contains("--add-modules"), "Main loads the Vector API module: " + cli);
        assertEquals(List.of("generate", "--prompt", "two words"), cli.subList(cli.size() - 3, cli.size()));
        assertTrue(flag(launch("complete", null, "--measure-startup"), "-XX:AOTCache=") != null, "--measure-startup is the app");
        for (String path : List.of("lesson.glassbox", "models/tiny.gguf", "/home/me/qwen")) {
            List<String> open = launch("complete", null, path);
            assertTrue(flag(open, "-XX:AOTCache=") != null && open.getLast().equals(path), "a path to open is the app: " + open);
        }
        assertEquals(null, flag(launch("complete", null, "inspect"), "-XX:AOT"), "a command name alone is a command");
        assertEquals(null, flag(launch("complete", "off"), "-XX:AOT"), "GLASSBOX_AOT=off");
        assertEquals(null, takeTraining(), "GLASSBOX_AOT=off records nothing");
    }

    @Test
    void commandsGetTransparentHugePagesExactlyWhereLinuxOffersThemTheAppNever() throws Exception {
        Path mode = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        boolean offered = Files.isReadable(mode)
                && (Files.readString(mode).contains("[always]") || Files.readString(mode).contains("[madvise]"));
        List<String> cli = launch("complete", null, "bench", "--model", "m.bin");
        assertEquals(offered, cli.contains("-XX:+UseTransparentHugePages"), "THP " + (offered ? "offered" : "not offered")
                + " here: " + cli);
        List<String> app = launchApp();
        assertFalse(app.contains("-XX:+UseTransparentHugePages"), "not the app (G1's pauses wait on compaction): " + app);
        List<String> training = takeTraining();
        assertTrue(training != null && !training.contains("-XX:+UseTransparentHugePages"),
                "the cache is recorded with the same options it is used with: " + training);
    }

    @Test
    void commandsRunOnTheSerialCollectorFromASmallHeapTheAppOnTheDefault() throws Exception {
        List<String> cli = launch("complete", null, "bench", "--model", "m.gguf");
        assertTrue(cli.containsAll(List.of("-XX:+UseSerialGC", "-Xms16m", "-XX:MaxNewSize=16m", "-XX:MinHeapFreeRatio=1",
                "-XX:MaxHeapFreeRatio=10")), "a command runs lean: " + cli);
        assertTrue(cli.indexOf("-XX:+UseSerialGC") < cli.indexOf("-jar"), "as a JVM option: " + cli);
        List<String> app = launchApp();
        assertFalse(app.contains("-XX:+UseSerialGC") || app.contains("-Xms16m"), "the app keeps G1: " + app);
        takeTraining();
        env.put("JAVA_TOOL_OPTIONS", "-Xmx2g -XX:+UseParallelGC");
        List<String> chosen = launch("complete", null, "bench", "--model", "m.gguf");
        assertFalse(chosen.contains("-XX:+UseSerialGC"), "a collector the user named rules (two stop the JVM): " + chosen);
        env.clear();
        env.put("JDK_JAVA_OPTIONS", "-XX:+UseG1GC");
        assertFalse(launch("complete", null, "generate").contains("-XX:+UseSerialGC"), "JDK_JAVA_OPTIONS too");
        env.clear();
    }

    @Test
    void anOlderJdkIsNamedInsteadOfStarted() throws Exception {
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"17.0.16\"\n");
        ProcessBuilder pb = new ProcessBuilder("bash", dir.resolve("glassbox").toString()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.environment().put("ARGS_FILE", appArgs.toString());
        pb.environment().put("TRAINING_ARGS_FILE", trainingArgs.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), output);
        assertTrue(output.contains("needs JDK 25 or later") && output.contains("is JDK 17"), output);
        assertFalse(Files.exists(appArgs), "no JVM was started");
    }
}
