package dev.glassbox.app.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glassbox.engine.io.Json;

/**
 * The few Hub HTTP calls a pull needs, made as huggingface_hub makes them: the file list from
 * {@code GET /api/models/{repo}/revision/{revision}?blobs=true}, each file's metadata from
 * {@code HEAD /{repo}/resolve/{commit}/{file}} (X-Repo-Commit, X-Linked-Etag else ETag, X-Linked-Size else
 * Content-Length; an absolute redirect, to the CDN, says where the bytes are), and the bytes by GET with an
 * optional {@code Range}. Redirects are followed by hand so the token ({@code Authorization: Bearer}) goes only to
 * the configured endpoint's scheme, host and port, never to a redirect's other host.
 */
final class HubClient {
    private static final int MAX_REDIRECTS = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    // a blob's file name: a git blob id or a sha256 (anything else could name a path outside blobs/)
    private static final java.util.regex.Pattern ETAG = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,128}");

    /** A file of the repository as the file list describes it; {@code sha256} is null for a file not in LFS. */
    record RemoteFile(String name, long size, String blobId, String sha256) {
        /** The name huggingface_hub gives its blob: the sha256 of an LFS file, the git blob id of another. */
        String etag() { return sha256 != null ? sha256 : blobId; }
    }

    /** The commit a revision resolved to and the repository's files at that commit. */
    record Listing(String commit, List<RemoteFile> files) {
        Optional<RemoteFile> file(String name) {
            return files.stream().filter(f -> f.name().equals(name)).findFirst();
        }
    }

    /** What HEAD on a file's resolve address said. */
    record FileMeta(String etag, long size, String commit, URI location) {
    }

    /** The Hub could not be reached at all (no network, unknown host, connection refused). */
    static final class Unreachable extends IOException {
        Unreachable(Throwable cause) {
            super(cause);
        }
    }

    private final HubEnvironment env;
    private final HttpClient http;

    HubClient(HubEnvironment env) {
        this.env = env;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(TIMEOUT).build();
    }

    HubEnvironment environment() { return env; }

    Listing listing(RepoRef repo) throws IOException {
        URI uri = URI.create(env.base() + "/api/models/" + repo.id() + "/revision/" + segment(repo.revision()) + "?blobs=true");
        HttpResponse<byte[]> r = send("GET", uri, -1, HttpResponse.BodyHandlers.ofByteArray(), false);
        check(r, repo, null);
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new HubException("hub.badAnswer", uri);
        }
        String commit = root.path("sha").asText("");
        if (!RepoRef.isCommit(commit)) {
            throw new HubException("hub.badAnswer", uri);
        }
        List<RemoteFile> files = new ArrayList<>();
        for (JsonNode s : root.path("siblings")) {
            JsonNode lfs = s.path("lfs");
            String sha = lfs.isObject() ? lfs.path("sha256").asText(null) : null;
            long size = lfs.isObject() ? lfs.path("size").asLong(-1) : s.path("size").asLong(-1);
            files.add(new RemoteFile(s.path("rfilename").asText(), size, s.path("blobId").asText(null), sha));
        }
        return new Listing(commit, List.copyOf(files));
    }

    /** HEAD on the file at {@code commit}: follows relative redirects, stops at an absolute one (where the bytes are). */
    FileMeta head(RepoRef repo, String commit, String file) throws IOException {
        URI uri = resolveUri(repo, commit, file);
        HttpResponse<Void> r = send("HEAD", uri, -1, HttpResponse.BodyHandlers.discarding(), true);
        URI location = r.uri();
        if (r.statusCode() / 100 == 3) {
            location = r.uri().resolve(r.headers().firstValue("Location").orElseThrow(() -> new HubException("hub.badAnswer", uri)));
        } else {
            check(r, repo, file);
        }
        String etag = r.headers().firstValue("X-Linked-Etag").or(() -> r.headers().firstValue("ETag"))
                .map(HubClient::normalizeEtag).filter(e -> ETAG.matcher(e).matches())
                .orElseThrow(() -> new HubException("hub.noEtag", file));
        long size = r.headers().firstValue("X-Linked-Size").or(() -> r.headers().firstValue("Content-Length"))
                .map(Long::parseLong).orElse(-1L);
        return new FileMeta(etag, size, r.headers().firstValue("X-Repo-Commit").orElse(commit), location);
    }

    /** The bytes of a small file (a safetensors index), at most {@code limit}. */
    byte[] small(RepoRef repo, String commit, String file, long limit) throws IOException {
        HttpResponse<InputStream> r = get(repo, file, resolveUri(repo, commit, file), 0);
        try (InputStream in = r.body()) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (b.length > limit) {
                throw new HubException("hub.tooLarge", file, limit);
            }
            return b;
        }
    }

    /** Starts a GET of {@code location} from byte {@code from} (a Range request when above 0); the caller reads the body. */
    HttpResponse<InputStream> get(RepoRef repo, String file, URI location, long from) throws IOException {
        HttpResponse<InputStream> r = send("GET", location, from, HttpResponse.BodyHandlers.ofInputStream(), false);
        if (r.statusCode() / 100 != 2 && r.statusCode() != 416) {
            r.body().close();
            check(r, repo, file);
        }
        return r;
    }

    private URI resolveUri(RepoRef repo, String commit, String file) {
        StringBuilder path = new StringBuilder();
        for (String part : file.split("/")) {
            path.append('/').append(segment(part));
        }
        return URI.create(env.base() + "/" + repo.id() + "/resolve/" + segment(commit) + path);
    }

    private <T> HttpResponse<T> send(String method, URI start, long from, HttpResponse.BodyHandler<T> body,
            boolean relativeOnly) throws IOException {
        URI uri = start;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .header("User-Agent", "glassbox")
                    .header("Accept-Encoding", "identity"); // sizes and hashes are of the stored bytes
            if (env.hasToken() && sameOrigin(uri, env.endpoint())) {
                b.header("Authorization", "Bearer " + env.token());
            }
            if (from > 0) {
                b.header("Range", "bytes=" + from + "-");
            }
            HttpResponse<T> r;
            try {
                r = http.send(b.build(), body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            } catch (ConnectException | HttpConnectTimeoutException | UnknownHostException e) {
                throw new Unreachable(e);
            } catch (IOException e) {
                if (e.getCause() instanceof UnresolvedAddressException || e.getCause() instanceof UnknownHostException) {
                    throw new Unreachable(e);
                }
                throw e;
            }
            Optional<String> location = r.headers().firstValue("Location");
            if (r.statusCode() / 100 != 3 || location.isEmpty()) {
                return r;
            }
            URI target = URI.create(location.get());
            if (relativeOnly && target.getHost() != null) {
                return r; // as huggingface_hub: a HEAD follows relative redirects (a renamed repo), not absolute ones (the CDN)
            }
            URI next = uri.resolve(target);
            if (r.body() instanceof InputStream in) {
                in.close();
            }
            if (hop >= MAX_REDIRECTS) {
                throw new HubException("hub.tooManyRedirects", start);
            }
            uri = next;
        }
    }

    /** Turns an error status into the sentence that says what to do (X-Error-Code says which kind of 401/404). */
    private void check(HttpResponse<?> r, RepoRef repo, String file) throws HubException {
        int code = r.statusCode();
        if (code / 100 == 2) {
            return;
        }
        String kind = r.headers().firstValue("X-Error-Code").orElse("");
        String page = env.base() + "/" + repo.id();
        if (kind.equals("RevisionNotFound")) {
            throw new HubException("hub.noRevision", repo.id(), repo.revision());
        }
        if (kind.equals("EntryNotFound") && file != null) {
            throw new HubException("hub.noFile", repo.id(), file);
        }
        if (kind.equals("RepoNotFound") || code == 404 && file == null) {
            throw new HubException(env.hasToken() ? "hub.notFoundWithToken" : "hub.notFound", repo.id(), env.endpoint());
        }
        if (code == 401 || code == 403) {
            throw env.hasToken() ? new HubException("hub.denied", repo.id(), code, page)
                    : new HubException("hub.gated", repo.id(), page);
        }
        if (code == 404) {
            throw new HubException("hub.noFile", repo.id(), file);
        }
        throw new HubException("hub.httpError", env.endpoint().getHost(), code, repo.id());
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** huggingface_hub's _normalize_etag: drops a weak {@code W/} prefix and the quotes. */
    static String normalizeEtag(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) e = e.substring(2);
        return e.replace("\"", "");
    }

    /** Percent-encodes one path segment (everything but RFC 3986's unreserved characters), like quote(s, safe=""). */
    static String segment(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
