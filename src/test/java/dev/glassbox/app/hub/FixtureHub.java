package dev.glassbox.app.hub;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Hugging Face Hub on loopback for tests, answering as huggingface.co does: the file list at
 * {@code /api/models/{repo}/revision/{rev}?blobs=true}; {@code /{repo}/resolve/{commit}/{file}} answering a small
 * file through a relative redirect to {@code /api/resolve-cache/...} (ETag = git blob id) and an LFS file by a
 * redirect to a second server, the "CDN" (X-Linked-Etag = sha256, X-Linked-Size), which honours Range. It records
 * every request's Authorization and Range, can drop a CDN transfer mid-body, serve corrupt bytes, and gate a repo.
 */
public final class FixtureHub implements AutoCloseable {
    public record Request(String server, String method, String path, String authorization, String range) {
    }

    /** A repository's files; names in {@code lfs} are LFS files (served by the CDN). */
    public record Repo(String commit, Map<String, byte[]> files, Set<String> lfs, Map<String, Long> claimedSizes) {
        public Repo(String commit, Map<String, byte[]> files, Set<String> lfs) {
            this(commit, files, lfs, Map.of());
        }
    }

    final HttpServer hub;
    final HttpServer cdn;
    public final Map<String, Repo> repos = new ConcurrentHashMap<>();
    final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    /** The token a gated repository accepts (null: no repository is gated). */
    volatile String gatedToken;
    final Set<String> gated = ConcurrentHashMap.newKeySet();
    /** When at or above 0, the CDN closes every transfer after this absolute byte offset. */
    public volatile long dropAt = -1;
    /** How many more CDN transfers to drop (then they complete). */
    public volatile int drops;
    volatile boolean corrupt;
    /** When at or above 0, the CDN sends up to this byte offset and then stalls (sends nothing) until closed. */
    public volatile long stallAt = -1;
    /** When above 0, the CDN sends its bodies at about this many bytes a second (16 KiB at a time). */
    public volatile int pace = -1;
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

    /** Each file's SHA-256 and git blob id once (a benchmark serves files of 100+ MB). */
    private final Map<byte[], String> digests = Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    private final Map<byte[], String> blobIds = Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    public FixtureHub() throws IOException {
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cdn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/", this::onHub);
        cdn.createContext("/", this::onCdn);
        // a stalled transfer must not hold up the next one (the default runs every exchange on the one dispatcher)
        cdn.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fixture-cdn");
            t.setDaemon(true);
            return t;
        }));
        hub.start();
        cdn.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    public List<Request> requests(String server) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.server().equals(server)).toList();
        }
    }

    private String digest(byte[] b) {
        return digests.computeIfAbsent(b, FixtureHub::sha256);
    }

    private String blobId(byte[] b) {
        return blobIds.computeIfAbsent(b, FixtureHub::gitBlobId);
    }

    public static String sha256(byte[] b) {
        return hex("SHA-256", new byte[0], b);
    }

    static String gitBlobId(byte[] b) {
        return hex("SHA-1", ("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII), b);
    }

    private static String hex(String algorithm, byte[] prefix, byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            md.update(prefix);
            return HexFormat.of().formatHex(md.digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void record(String server, HttpExchange ex) {
        requests.add(new Request(server, ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("Range")));
    }

    private void onHub(HttpExchange ex) throws IOException {
        record("hub", ex);
        String path = ex.getRequestURI().getPath();
        try (ex) {
            if (path.startsWith("/api/models/")) {
                String[] p = path.substring("/api/models/".length()).split("/revision/");
                Repo repo = allowed(ex, p[0]);
                if (repo == null) return;
                if (!p[1].equals("main") && !p[1].equals(repo.commit())) {
                    error(ex, 404, "RevisionNotFound");
                    return;
                }
                send(ex, 200, Map.of("Content-Type", "application/json"), listing(p[0], repo).getBytes(StandardCharsets.UTF_8), true);
                return;
            }
            boolean cache = path.startsWith("/api/resolve-cache/models/");
            String rest = cache ? path.substring("/api/resolve-cache/models/".length()) : path.substring(1);
            String[] parts = cache ? rest.split("/", 4) : rest.split("/", 5); // org, name, [resolve,] commit, file
            String repoId = parts[0] + "/" + parts[1];
            Repo repo = allowed(ex, repoId);
            if (repo == null) return;
            String commit = cache ? parts[2] : parts[3];
            String file = cache ? parts[3] : parts[4];
            byte[] body = repo.files().get(file);
            if (body == null) {
                error(ex, 404, "EntryNotFound");
                return;
            }
            Map<String, String> h = new LinkedHashMap<>();
            h.put("X-Repo-Commit", repo.commit());
            if (repo.lfs().contains(file)) {
                h.put("X-Linked-Etag", "\"" + digest(body) + "\"");
                h.put("X-Linked-Size", Long.toString(body.length));
                h.put("ETag", "\"not-the-blob-name\"");
                h.put("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/blobs/" + digest(body));
                send(ex, 302, h, new byte[0], false);
            } else if (!cache) {
                h.put("Location", "/api/resolve-cache/models/" + repoId + "/" + commit + "/" + file); // relative
                send(ex, 307, h, new byte[0], false);
            } else {
                h.put("ETag", "W/\"" + blobId(body) + "\"");
                send(ex, 200, h, body, !ex.getRequestMethod().equals("HEAD"));
            }
        }
    }

    /** The repository when it exists and the request may see it, else answers the error and returns null. */
    private Repo allowed(HttpExchange ex, String repoId) throws IOException {
        Repo repo = repos.get(repoId);
        if (repo == null) {
            error(ex, 401, "RepoNotFound"); // the Hub answers 401 for an unknown repo to a request without a token
            return null;
        }
        if (gated.contains(repoId) && !("Bearer " + gatedToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            error(ex, 401, "GatedRepo");
            return null;
        }
        return repo;
    }

    private void onCdn(HttpExchange ex) throws IOException {
        record("cdn", ex);
        try (ex) {
            String sha = ex.getRequestURI().getPath().substring("/blobs/".length());
            byte[] body = repos.values().stream().flatMap(r -> r.files().values().stream())
                    .filter(b -> digest(b).equals(sha)).findFirst().orElse(null);
            if (body == null) {
                send(ex, 404, Map.of(), new byte[0], false);
                return;
            }
            if (corrupt) {
                body = body.clone();
                body[body.length / 2] ^= 1;
            }
            long from = 0;
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range != null) {
                from = Long.parseLong(range.substring("bytes=".length(), range.indexOf('-')));
            }
            int status = from > 0 ? 206 : 200;
            Map<String, String> h = new LinkedHashMap<>();
            if (from > 0) h.put("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            ex.getResponseHeaders().putAll(headers(h));
            long length = body.length - from;
            ex.sendResponseHeaders(status, length);
            OutputStream out = ex.getResponseBody();
            if (drops > 0 && dropAt >= from) {
                drops--;
                out.write(body, (int) from, (int) (dropAt - from));
                out.flush();
                // end the exchange short of its Content-Length: the client sees the connection end mid-body
                throw new IOException("dropped on purpose");
            }
            if (stallAt >= from) {
                out.write(body, (int) from, (int) (stallAt - from));
                out.flush();
                closed.await(); // a connection that stays open and sends nothing more
                throw new IOException("closed while stalled");
            }
            if (pace > 0) {
                long start = System.nanoTime();
                for (long at = from; at < body.length; at += 16_384) {
                    int n = (int) Math.min(16_384, body.length - at);
                    out.write(body, (int) at, n);
                    out.flush();
                    long due = start + (at + n - from) * 1_000_000_000L / pace;
                    java.util.concurrent.TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
                }
                return;
            }
            out.write(body, (int) from, (int) length);
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } catch (IOException dropped) {
            // the server closes the connection
        }
    }

    private String listing(String repoId, Repo repo) {
        StringBuilder s = new StringBuilder("{\"id\":\"" + repoId + "\",\"sha\":\"" + repo.commit() + "\",\"siblings\":[");
        boolean first = true;
        for (var e : repo.files().entrySet()) {
            if (!first) s.append(',');
            first = false;
            long size = repo.claimedSizes().getOrDefault(e.getKey(), (long) e.getValue().length);
            s.append("{\"rfilename\":\"").append(e.getKey()).append("\",\"size\":").append(size)
                    .append(",\"blobId\":\"").append(blobId(e.getValue())).append('"');
            if (repo.lfs().contains(e.getKey())) {
                s.append(",\"lfs\":{\"sha256\":\"").append(digest(e.getValue())).append("\",\"size\":").append(size)
                        .append(",\"pointerSize\":134}");
            }
            s.append('}');
        }
        return s.append("]}").toString();
    }

    private static void error(HttpExchange ex, int status, String code) throws IOException {
        send(ex, status, Map.of("X-Error-Code", code), ("{\"error\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8), true);
    }

    private static void send(HttpExchange ex, int status, Map<String, String> headers, byte[] body, boolean withBody)
            throws IOException {
        ex.getResponseHeaders().putAll(headers(headers));
        if (ex.getRequestMethod().equals("HEAD") || !withBody) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            ex.getResponseBody().write(body);
        }
    }

    private static Map<String, List<String>> headers(Map<String, String> h) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        h.forEach((k, v) -> m.put(k, List.of(v)));
        return m;
    }

    @Override
    public void close() {
        closed.countDown();
        hub.stop(0);
        cdn.stop(0);
    }
}
