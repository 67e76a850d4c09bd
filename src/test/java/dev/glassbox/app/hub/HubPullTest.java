package dev.glassbox.app.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.app.service.ModelEntry;

/** Pulls from a loopback hub into a temporary Hugging Face cache, checking the layout huggingface_hub makes. */
class HubPullTest {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final byte[] CONFIG = "{\"model_type\":\"llama\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] TOKENIZER = "{\"model\":{}}".getBytes(StandardCharsets.UTF_8);
    static final byte[] WEIGHTS = new byte[300_000];

    static {
        new Random(7).nextBytes(WEIGHTS);
    }

    @TempDir
    Path tmp;
    FixtureHub hub;
    Path cache;

    @BeforeEach
    void start() throws IOException {
        hub = new FixtureHub();
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("README.md", "# tiny".getBytes(StandardCharsets.UTF_8));
        files.put("config.json", CONFIG);
        files.put("tokenizer.json", TOKENIZER);
        files.put("model.safetensors", WEIGHTS);
        files.put("pytorch_model.bin", new byte[10]);
        hub.repos.put("acme/tiny", new FixtureHub.Repo(COMMIT, files, Set.of("model.safetensors", "pytorch_model.bin")));
        cache = tmp.resolve("hf").resolve("hub");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    HubPull pull(Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>(Map.of("HF_ENDPOINT", hub.endpoint(), "HF_HUB_CACHE", cache.toString()));
        env.putAll(extra);
        return new HubPull(HubEnvironment.of(env, tmp.resolve("home")));
    }

    Path pull(String repo) throws IOException {
        return pull(Map.of()).pull(RepoRef.parse(repo), null, t -> { }, () -> false);
    }

    @Test
    void downloadsWhatGlassboxNeedsInTheHuggingFaceCacheLayout() throws IOException {
        Path snapshot = pull("acme/tiny");
        Path repo = cache.resolve("models--acme--tiny");
        assertEquals(repo.resolve("snapshots").resolve(COMMIT), snapshot);
        assertEquals(COMMIT, Files.readString(repo.resolve("refs/main")));
        String weightsBlob = FixtureHub.sha256(WEIGHTS);
        String configBlob = FixtureHub.gitBlobId(CONFIG);
        assertEquals(Set.of(weightsBlob, configBlob, FixtureHub.gitBlobId(TOKENIZER)), names(repo.resolve("blobs")));
        assertEquals(Set.of("config.json", "tokenizer.json", "model.safetensors"), names(snapshot),
                "only what Glassbox reads: no README, no pickle");
        assertEquals(Path.of("../../blobs/" + weightsBlob), Files.readSymbolicLink(snapshot.resolve("model.safetensors")));
        assertEquals(Path.of("../../blobs/" + configBlob), Files.readSymbolicLink(snapshot.resolve("config.json")));
        assertArrayEquals(WEIGHTS, Files.readAllBytes(snapshot.resolve("model.safetensors")));
        assertArrayEquals(CONFIG, Files.readAllBytes(snapshot.resolve("config.json")));
        assertTrue(hub.requests("hub").stream().anyMatch(r -> r.method().equals("HEAD") && r.path().startsWith("/api/resolve-cache/")),
                "the relative redirect of a small file was followed");

        List<ModelEntry> listed = ModelCatalog.cached(new HubCache(cache));
        assertEquals(List.of("acme/tiny"), listed.stream().map(ModelEntry::label).toList());
        assertFalse(listed.getFirst().bundled(), "a cached model is listed but never opened by itself at start");

        int cdnBefore = hub.requests("cdn").size();
        assertEquals(snapshot, pull("acme/tiny"));
        assertEquals(cdnBefore, hub.requests("cdn").size(), "a second pull fetches nothing it has");
    }

    @Test
    void saysNoTimeLeftUntilTheSpeedIsKnownThenAnEstimate() throws IOException {
        hub.pace = 200_000; // the 300,000-byte weights in about 1.5 s
        List<HubPull.Transfer> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        pull(Map.of()).pull(RepoRef.parse("acme/tiny"), null, seen::add, () -> false);
        List<HubPull.Transfer> weights = seen.stream().filter(t -> "model.safetensors".equals(t.file())).toList();
        long before = weights.getFirst().done(); // the file starts: the bytes of the files before it
        HubPull.Transfer firstBytes = weights.stream().filter(t -> t.done() > before).findFirst().orElseThrow();
        // the first reports after bytes came have no speed and no time left (they used to say hours)
        assertEquals(0, firstBytes.bytesPerSecond(), firstBytes.toString());
        assertTrue(Double.isNaN(firstBytes.secondsLeft()));
        assertEquals(dev.glassbox.visuals.i18n.I18n.text(java.util.Locale.ENGLISH, "progress.count", "model.safetensors",
                ByteSize.format(firstBytes.done()), ByteSize.format(firstBytes.total())), firstBytes.text(java.util.Locale.ENGLISH));
        // a second after the first byte, an estimate
        HubPull.Transfer later = weights.stream().filter(t -> t.bytesPerSecond() > 0).findFirst().orElseThrow(
                () -> new AssertionError("no estimate in " + weights));
        assertTrue(Double.isFinite(later.secondsLeft()) && later.secondsLeft() >= 0, later.toString());
        assertTrue(later.text(java.util.Locale.ENGLISH).endsWith(" left"), later.text(java.util.Locale.ENGLISH));
    }

    @Test
    void resumesADroppedTransferWithARangeRequest() throws IOException {
        hub.dropAt = 100_000;
        hub.drops = 1;
        Path snapshot = pull("acme/tiny");
        assertArrayEquals(WEIGHTS, Files.readAllBytes(snapshot.resolve("model.safetensors")));
        List<String> ranges = hub.requests("cdn").stream().map(FixtureHub.Request::range).filter(r -> r != null).toList();
        assertEquals(1, ranges.size(), "one resumed request: " + ranges);
        // it resumes from the bytes that arrived: the 100,000 sent, or fewer when some were still in flight as the
        // connection ended (seen once in a fresh-clone CI run: bytes=98224-); the file is whole either way
        long from = Long.parseLong(ranges.getFirst().substring("bytes=".length(), ranges.getFirst().length() - 1));
        assertTrue(from > 0 && from <= 100_000, ranges.getFirst());
    }

    @Test
    void cancelStopsADownloadWaitingOnAStalledConnectionWithoutRetrying() throws Exception {
        // as the Get model dialog's Cancel does: the flag turns true and the task's thread is interrupted
        hub.stallAt = 70_000;
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Throwable> ended = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        Thread worker = new Thread(() -> {
            try {
                pull(Map.of()).pull(RepoRef.parse("acme/tiny"), null, t -> received.set(t.done()), cancelled::get);
            } catch (Throwable t) {
                ended.set(t);
            }
        });
        worker.start();
        Path part = cache.resolve("models--acme--tiny/blobs/" + FixtureHub.sha256(WEIGHTS) + HubCache.INCOMPLETE);
        while (!(Files.isRegularFile(part) && Files.size(part) >= 70_000)) {
            assertTrue(worker.isAlive(), "the download stalls, it does not end: " + ended.get());
            Thread.sleep(2);
        }
        long requests = hub.requests("cdn").size();
        cancelled.set(true);
        worker.interrupt();
        worker.join(10_000);
        assertFalse(worker.isAlive(), "the download stopped");
        assertInstanceOf(java.util.concurrent.CancellationException.class, ended.get(), "ended as cancelled, not as a failed download");
        assertEquals(requests, hub.requests("cdn").size(), "no new request after Cancel");
        assertEquals(70_000, Files.size(part), "the bytes received are kept to resume from");
    }

    @Test
    void keepsAnInterruptedDownloadAndResumesItOnTheNextPull() throws IOException {
        hub.dropAt = 120_000;
        hub.drops = 10; // every attempt ends at the same byte: no headway
        HubException e = assertThrows(HubException.class, () -> pull("acme/tiny"));
        assertEquals("hub.interrupted", e.key(), e.getMessage());
        Path part = cache.resolve("models--acme--tiny/blobs/" + FixtureHub.sha256(WEIGHTS) + HubCache.INCOMPLETE);
        assertEquals(120_000, Files.size(part));
        assertFalse(Files.exists(cache.resolve("models--acme--tiny/blobs/" + FixtureHub.sha256(WEIGHTS))));

        hub.drops = 0;
        Path snapshot = pull("acme/tiny");
        assertArrayEquals(WEIGHTS, Files.readAllBytes(snapshot.resolve("model.safetensors")));
        assertEquals("bytes=120000-", hub.requests("cdn").getLast().range());
        assertFalse(Files.exists(part));
    }

    @Test
    void refusesAWrongChecksumAndLeavesNothingHalfWritten() throws IOException {
        hub.corrupt = true;
        HubException e = assertThrows(HubException.class, () -> pull("acme/tiny"));
        assertEquals("hub.checksum", e.key());
        assertTrue(e.getMessage().startsWith("model.safetensors failed its checksum"), e.getMessage());
        Path repo = cache.resolve("models--acme--tiny");
        try (Stream<Path> s = Files.list(repo.resolve("blobs"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(FixtureHub.sha256(WEIGHTS))),
                    "neither the blob nor its .incomplete is left");
        }
        assertFalse(Files.exists(repo.resolve("snapshots").resolve(COMMIT).resolve("model.safetensors"),
                java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void sendsTheTokenOnlyToTheEndpointHost() throws IOException {
        hub.gated.add("acme/tiny");
        hub.gatedToken = "hf_secret";
        HubException e = assertThrows(HubException.class, () -> pull("acme/tiny"));
        assertEquals("hub.gated", e.key());

        pull(Map.of("HF_TOKEN", "hf_secret")).pull(RepoRef.parse("acme/tiny"), null, t -> { }, () -> false);
        List<FixtureHub.Request> hubAuthorized = hub.requests("hub").stream().filter(r -> r.authorization() != null).toList();
        assertFalse(hubAuthorized.isEmpty());
        assertTrue(hubAuthorized.stream().allMatch(r -> r.authorization().equals("Bearer hf_secret")));
        assertFalse(hub.requests("cdn").isEmpty());
        assertTrue(hub.requests("cdn").stream().allMatch(r -> r.authorization() == null), "no token to the CDN");
        assertFalse(HubEnvironment.of(Map.of("HF_TOKEN", "hf_secret"), tmp).toString().contains("hf_secret"));
    }

    @Test
    void saysWhenOfflineAndListsWhatIsCached() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Map<String, String> offline = Map.of("HF_ENDPOINT", "http://127.0.0.1:" + closed);
        HubException none = assertThrows(HubException.class,
                () -> pull(offline).pull(RepoRef.parse("acme/tiny"), null, t -> { }, () -> false));
        assertEquals("hub.offlineNothing", none.key(), none.getMessage());
        assertTrue(none.getMessage().startsWith("Cannot reach http://127.0.0.1:" + closed + " (offline?)"), none.getMessage());

        pull("acme/tiny");
        HubException cached = assertThrows(HubException.class,
                () -> pull(offline).pull(RepoRef.parse("acme/tiny"), null, t -> { }, () -> false));
        assertEquals("hub.offlineCached", cached.key());
        assertTrue(cached.getMessage().contains("main \u2192 " + COMMIT.substring(0, 10)
                + " (config.json, model.safetensors, tokenizer.json)"), cached.getMessage());
    }

    @Test
    void namesAMissingRepositoryAndRevision() {
        HubException repo = assertThrows(HubException.class, () -> pull("acme/nothing"));
        assertEquals("No repository acme/nothing on " + hub.endpoint() + " (if it is private, set HF_TOKEN)", repo.getMessage());
        HubException rev = assertThrows(HubException.class, () -> pull("acme/tiny@v9"));
        assertEquals("acme/tiny has no revision v9", rev.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RepoRef.parse("../etc"));
        assertThrows(IllegalArgumentException.class, () -> RepoRef.parse("acme/tiny@../../x"));
    }

    @Test
    void asksWhichGgufAndTakesTheOneAPatternNames() throws IOException {
        byte[] q8 = "GGUF-q8".getBytes(StandardCharsets.UTF_8);
        hub.repos.put("acme/ggufs", new FixtureHub.Repo(COMMIT, Map.of("tiny-Q8_0.gguf", q8, "tiny-F32.gguf",
                "GGUF-f32".getBytes(StandardCharsets.UTF_8)), Set.of("tiny-Q8_0.gguf", "tiny-F32.gguf")));
        HubException.ChooseFile choose = assertThrows(HubException.ChooseFile.class, () -> pull("acme/ggufs"));
        assertEquals(List.of("tiny-F32.gguf", "tiny-Q8_0.gguf"), choose.files());
        assertFalse(Files.exists(cache.resolve("models--acme--ggufs/blobs")), "nothing fetched before the choice");

        Path file = pull(Map.of()).pull(RepoRef.parse("acme/ggufs"), "*Q8_0.gguf", t -> { }, () -> false);
        assertEquals(cache.resolve("models--acme--ggufs/snapshots/" + COMMIT + "/tiny-Q8_0.gguf"), file);
        assertArrayEquals(q8, Files.readAllBytes(file));
        HubException none = assertThrows(HubException.class,
                () -> pull(Map.of()).pull(RepoRef.parse("acme/ggufs"), "*Q4_K_M*", t -> { }, () -> false));
        assertEquals("No GGUF file of acme/ggufs matches *Q4_K_M*; its GGUF files: tiny-F32.gguf, tiny-Q8_0.gguf",
                none.getMessage());
    }

    @Test
    void fetchesTheShardsTheIndexNamesAndRefusesAnIndexPointingOutside() throws IOException {
        byte[] a = "shard-a".getBytes(StandardCharsets.UTF_8);
        byte[] b = "shard-b".getBytes(StandardCharsets.UTF_8);
        byte[] index = ("{\"weight_map\":{\"x\":\"model-00001-of-00002.safetensors\","
                + "\"y\":\"model-00002-of-00002.safetensors\",\"z\":\"model-00001-of-00002.safetensors\"}}")
                .getBytes(StandardCharsets.UTF_8);
        hub.repos.put("acme/sharded", new FixtureHub.Repo(COMMIT, Map.of("config.json", CONFIG,
                "model.safetensors.index.json", index, "model-00001-of-00002.safetensors", a,
                "model-00002-of-00002.safetensors", b, "consolidated.safetensors", new byte[5]),
                Set.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "consolidated.safetensors")));
        Path snapshot = pull("acme/sharded");
        assertEquals(Set.of("config.json", "model.safetensors.index.json", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors"), names(snapshot), "the index's shards, not other safetensors");
        assertArrayEquals(b, Files.readAllBytes(snapshot.resolve("model-00002-of-00002.safetensors")));

        byte[] evil = "{\"weight_map\":{\"x\":\"../../../evil.safetensors\"}}".getBytes(StandardCharsets.UTF_8);
        hub.repos.put("acme/evil", new FixtureHub.Repo(COMMIT, Map.of("config.json", CONFIG,
                "model.safetensors.index.json", evil), Set.of()));
        HubException e = assertThrows(HubException.class, () -> pull("acme/evil"));
        assertEquals("hub.badIndex", e.key());
    }

    @Test
    void checksTheFreeDiskSpaceBeforeDownloading() {
        hub.repos.put("acme/huge", new FixtureHub.Repo(COMMIT, Map.of("config.json", CONFIG, "model.safetensors", WEIGHTS),
                Set.of("model.safetensors"), Map.of("model.safetensors", 1L << 60)));
        HubException e = assertThrows(HubException.class, () -> pull("acme/huge"));
        assertEquals("hub.noSpace", e.key(), e.getMessage());
        assertTrue(hub.requests("cdn").isEmpty());
    }

    @Test
    void refusesAFolderThatIsNotAHuggingFaceCache() throws IOException {
        Files.createDirectories(cache);
        Files.writeString(cache.resolve("notes.txt"), "mine");
        HubException e = assertThrows(HubException.class, () -> pull("acme/tiny"));
        assertEquals("hub.notCache", e.key());
        assertEquals(Set.of("notes.txt"), names(cache));
    }

    @Test
    void readsTheCacheFolderAsHuggingfaceHubDoes() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/c/hub-cache"), HubEnvironment.of(Map.of("HF_HUB_CACHE", "/c/hub-cache", "HF_HOME", "/c/home"), home).cache());
        assertEquals(Path.of("/c/home/hub"), HubEnvironment.of(Map.of("HF_HOME", "/c/home", "XDG_CACHE_HOME", "/x"), home).cache());
        assertEquals(Path.of("/x/huggingface/hub"), HubEnvironment.of(Map.of("XDG_CACHE_HOME", "/x"), home).cache());
        assertEquals(Path.of("/home/u/.cache/huggingface/hub"), HubEnvironment.of(Map.of(), home).cache());
        assertEquals(Path.of("/home/u/models/hub"), HubEnvironment.of(Map.of("HF_HOME", "~/models"), home).cache());
        assertEquals("https://huggingface.co", HubEnvironment.of(Map.of(), home).endpoint().toString());
        assertEquals("https://hf-mirror.com", HubEnvironment.of(Map.of("HF_ENDPOINT", "https://hf-mirror.com/"), home).base());
        assertThrows(IllegalArgumentException.class, () -> HubEnvironment.of(Map.of("HF_ENDPOINT", "ftp://x"), home));
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return Set.copyOf(s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
