package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.app.hub.FixtureHub;

/** {@code glassbox pull} against a loopback hub: prints the path to open, or one line saying what went wrong. */
class PullCommandTest {
    static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path tmp;

    @AfterEach
    void restore() {
        PullCommand.environment = System::getenv;
    }

    @Test
    void printsTheDownloadedFileOrOneLineSayingWhy() throws Exception {
        try (FixtureHub hub = new FixtureHub()) {
            byte[] gguf = new byte[50_000];
            hub.repos.put("acme/one", new FixtureHub.Repo(COMMIT, Map.of("one-Q8_0.gguf", gguf, "one-F32.gguf", new byte[7],
                    "README.md", "x".getBytes(StandardCharsets.UTF_8)), Set.of("one-Q8_0.gguf", "one-F32.gguf")));
            Path cache = tmp.resolve("hub");
            PullCommand.environment = () -> Map.of("HF_ENDPOINT", hub.endpoint(), "HF_HUB_CACHE", cache.toString());

            CliRun choose = CliRun.of("pull", "acme/one");
            assertEquals(2, choose.code());
            assertEquals("error: acme/one has several GGUF files; choose one with --file: one-F32.gguf, one-Q8_0.gguf\n", choose.err());

            CliRun ok = CliRun.of("pull", "acme/one", "--file", "*Q8_0.gguf");
            assertEquals(0, ok.code(), ok.err());
            Path file = cache.resolve("models--acme--one/snapshots/" + COMMIT + "/one-Q8_0.gguf");
            assertEquals(file + "\n", ok.out());
            assertEquals(gguf.length, Files.size(file));
            assertTrue(ok.err().contains("one-Q8_0.gguf: "), ok.err());

            CliRun missing = CliRun.of("pull", "acme/none");
            assertEquals(2, missing.code());
            assertEquals("error: No repository acme/none on " + hub.endpoint() + " (if it is private, set HF_TOKEN)\n", missing.err());

            CliRun bad = CliRun.of("pull", "not a repo");
            assertEquals(2, bad.code());
            assertTrue(bad.err().startsWith("Invalid value for positional parameter at index 0 (ORG/NAME[@REVISION]): not a repo is not a repository name"), bad.err());
        }
    }
}
