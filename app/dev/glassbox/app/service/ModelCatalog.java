package dev.glassbox.app.service;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import dev.glassbox.app.hub.HubCache;
import dev.glassbox.app.hub.HubEnvironment;
import dev.glassbox.engine.format.onnx.BundledEncoder;

/**
 * The models the app knows without asking: everything under {@code sample-models/} (next to the working
 * directory and next to the jar; extra folders via {@code -Dglassbox.sampleModels=DIR[:DIR]}) and the
 * bundled encoders (MiniLM, bge-small-zh) whose weights are on the classpath, and the models already in the Hugging
 * Face cache (from {@code glassbox pull} or from Python).
 */
public final class ModelCatalog {
    private final List<ModelEntry> bundled;
    private final Optional<ModelEntry> defaultModel;

    /** Lists {@code bundled}; the models folders' DEFAULT markers are read here, where the catalog is made (off the FX thread). */
    public ModelCatalog(List<ModelEntry> bundled) {
        this.bundled = List.copyOf(bundled);
        this.defaultModel = findDefault();
    }

    public static ModelCatalog discover() {
        List<ModelEntry> out = new ArrayList<>();
        for (Path root : roots()) {
            out.addAll(scan(root));
        }
        try {
            out.addAll(cached(new HubCache(HubEnvironment.system().cache())));
        } catch (IllegalArgumentException badEnvironment) {
            // a malformed HF_ENDPOINT: the pull reports it; the cache is simply not listed
        }
        for (BundledEncoder e : BundledEncoder.values()) {
            if (e.available()) {
                out.add(new ModelEntry(e.label(), new ModelSource.Bundled(e), true, false));
            }
        }
        return new ModelCatalog(out);
    }

    public List<ModelEntry> bundled() { return bundled; }

    /**
     * The model a models folder names in its DEFAULT file, else the first bundled decoder, else the first bundled model
     * (never one from the Hugging Face cache).
     */
    public Optional<ModelEntry> defaultModel() { return defaultModel; }

    private Optional<ModelEntry> findDefault() {
        for (Path root : roots()) {
            Path marker = root.resolve(DEFAULT_MARKER);
            if (Files.isRegularFile(marker)) {
                try {
                    String name = Files.readString(marker).strip();
                    Optional<ModelEntry> named = bundled.stream().filter(e -> e.label().equals(name)).findFirst();
                    if (named.isPresent()) {
                        return named;
                    }
                } catch (IOException e) {
                    // unreadable marker: fall back to the first decoder
                }
            }
        }
        return bundled.stream().filter(e -> e.bundled() && e.decoder()).findFirst()
                .or(() -> bundled.stream().filter(ModelEntry::bundled).findFirst());
    }

    /** A file in a models folder holding the name of the model the app opens first. */
    public static final String DEFAULT_MARKER = "DEFAULT";

    static List<Path> roots() {
        Set<Path> roots = new LinkedHashSet<>();
        String extra = System.getProperty("glassbox.sampleModels");
        if (extra != null && !extra.isBlank()) {
            for (String p : extra.split(File.pathSeparator)) {
                roots.add(Path.of(p).toAbsolutePath().normalize());
            }
        }
        roots.add(Path.of("sample-models").toAbsolutePath().normalize());
        jarDirectory().ifPresent(dir -> {
            roots.add(dir.resolve("sample-models").normalize());
            if (dir.getParent() != null) {
                roots.add(dir.getParent().resolve("sample-models").normalize());
            }
        });
        return roots.stream().filter(Files::isDirectory).toList();
    }

    private static Optional<Path> jarDirectory() {
        try {
            var src = ModelCatalog.class.getProtectionDomain().getCodeSource();
            if (src == null) {
                return Optional.empty();
            }
            Path p = Path.of(src.getLocation().toURI());
            return Optional.ofNullable(Files.isDirectory(p) ? p : p.getParent());
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The models in a Hugging Face cache Glassbox can open, labelled by repository (and GGUF file). */
    public static List<ModelEntry> cached(HubCache cache) {
        List<ModelEntry> out = new ArrayList<>();
        for (HubCache.CachedModel m : cache.openable()) {
            // not "bundled": listed, but never opened by itself at start (it may be a large download)
            entry(m.path()).ifPresent(e -> out.add(new ModelEntry(m.label(), e.source(), false, e.decoder())));
        }
        return out;
    }

    /** Model folders (with config.json) and model files (.bin that is not a tokenizer, .gguf) directly under {@code root}. */
    public static List<ModelEntry> scan(Path root) {
        List<ModelEntry> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.sorted().toList()) {
                entry(p).ifPresent(out::add);
                if (Files.isDirectory(p) && !Files.exists(p.resolve("config.json"))) {
                    try (Stream<Path> inner = Files.list(p)) {
                        inner.sorted().map(ModelCatalog::entry).flatMap(Optional::stream).forEach(out::add);
                    }
                }
            }
        } catch (IOException e) {
            // an unreadable folder simply contributes no models
        }
        return out;
    }

    static Optional<ModelEntry> entry(Path p) {
        String name = p.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (Files.isDirectory(p) && Files.isRegularFile(p.resolve("config.json"))) {
            return Optional.of(new ModelEntry(name, new ModelSource.OnDisk(p, null), true, !isEncoderConfig(p)));
        }
        if (Files.isRegularFile(p) && (lower.endsWith(".gguf")
                || lower.endsWith(".bin") && !lower.startsWith("tok"))) {
            return Optional.of(new ModelEntry(name, new ModelSource.OnDisk(p, null), true, true));
        }
        return Optional.empty();
    }

    private static boolean isEncoderConfig(Path dir) {
        try {
            String json = Files.readString(dir.resolve("config.json")).toLowerCase(Locale.ROOT);
            return json.contains("\"bert\"") || json.contains("bertmodel");
        } catch (IOException e) {
            return false;
        }
    }
}
