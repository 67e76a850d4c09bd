package dev.glassbox.app.hub;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the Hub is and where its cache lies, read from environment variables the way huggingface_hub's
 * {@code constants.py} reads them (so Python and Glassbox share one cache): the endpoint is {@code HF_ENDPOINT}
 * (a mirror) else https://huggingface.co; the cache is {@code HF_HUB_CACHE}, else {@code HUGGINGFACE_HUB_CACHE},
 * else {@code HF_HOME/hub}, else {@code XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}.
 * The token ({@code HF_TOKEN}) is kept out of {@link #toString()}.
 */
public record HubEnvironment(URI endpoint, String token, Path cache) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    /** The settings {@code env} gives, {@code home} standing for {@code ~}. */
    public static HubEnvironment of(Map<String, String> env, Path home) {
        String e = value(env, "HF_ENDPOINT");
        URI endpoint = endpoint(e == null ? DEFAULT_ENDPOINT : e);
        String token = value(env, "HF_TOKEN");
        if (token == null) {
            token = value(env, "HUGGING_FACE_HUB_TOKEN"); // the older name huggingface_hub still reads
        }
        Path cache;
        if (value(env, "HF_HUB_CACHE") != null) {
            cache = path(value(env, "HF_HUB_CACHE"), home);
        } else if (value(env, "HUGGINGFACE_HUB_CACHE") != null) {
            cache = path(value(env, "HUGGINGFACE_HUB_CACHE"), home);
        } else if (value(env, "HF_HOME") != null) {
            cache = path(value(env, "HF_HOME"), home).resolve("hub");
        } else if (value(env, "XDG_CACHE_HOME") != null) {
            cache = path(value(env, "XDG_CACHE_HOME"), home).resolve("huggingface").resolve("hub");
        } else {
            cache = home.resolve(".cache").resolve("huggingface").resolve("hub");
        }
        return new HubEnvironment(endpoint, token, cache.toAbsolutePath().normalize());
    }

    /** This process's environment and home folder. */
    public static HubEnvironment system() {
        return of(System.getenv(), home(System.getenv()));
    }

    /** {@code ~} as Python's expanduser reads it: $HOME (USERPROFILE on Windows), else the JVM's user.home. */
    public static Path home(Map<String, String> env) {
        String h = value(env, "HOME");
        if (h == null) h = value(env, "USERPROFILE");
        return Path.of(h != null ? h : System.getProperty("user.home"));
    }

    public boolean hasToken() {
        return token != null;
    }

    /** The endpoint without a trailing slash, for building URLs. */
    String base() {
        String s = endpoint.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String toString() {
        return "HubEnvironment[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "set") + ", cache=" + cache + "]";
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static Path path(String value, Path home) {
        return value.equals("~") ? home : value.startsWith("~/") ? home.resolve(value.substring(2)) : Path.of(value);
    }

    private static URI endpoint(String text) {
        try {
            URI u = new URI(text);
            if (u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
                throw new URISyntaxException(text, "not an http(s) address");
            }
            return u;
        } catch (URISyntaxException ex) {
            throw new IllegalArgumentException(HubException.text("hub.badEndpoint", text));
        }
    }
}
