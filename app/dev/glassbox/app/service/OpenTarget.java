package dev.glassbox.app.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.glassbox.visuals.i18n.I18n;

/**
 * What a path handed to Glassbox from outside opens as: dropped on the window, or the app's one argument (what a
 * file association passes). A session or lesson file is restored; a model file or folder is opened as File > Open
 * opens it (the loader then checks it and names any problem); a .safetensors file or config.json opens its model
 * folder; anything else is refused with the reason before anything loads.
 */
public sealed interface OpenTarget {
    record Session(Path file) implements OpenTarget {
    }

    record Model(Path path) implements OpenTarget {
    }

    /** {@code reason} is the one-line message the window shows. */
    record Refused(String reason) implements OpenTarget {
    }

    static OpenTarget of(Path path) {
        Path p = path.toAbsolutePath().normalize();
        String name = p.getFileName() == null ? p.toString() : p.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (!Files.exists(p)) {
            return new Refused(I18n.text("open.notFound", p));
        }
        if (SessionFiles.isSession(p) && Files.isRegularFile(p)) {
            return new Session(p);
        }
        if (ModelCatalog.entry(p).isPresent() || Files.isRegularFile(p) && lower.endsWith(".onnx")) {
            return new Model(p);
        }
        if (Files.isRegularFile(p) && (lower.endsWith(".safetensors") || lower.equals("config.json"))) {
            Path folder = p.getParent();
            return ModelCatalog.entry(folder).isPresent() ? new Model(folder)
                    : new Refused(I18n.text("open.weightsWithoutConfig", name));
        }
        if (Files.isDirectory(p)) {
            return new Refused(I18n.text("open.notModelFolder", name));
        }
        return new Refused(I18n.text("open.unsupported", name));
    }

    /** What a drop of {@code paths} opens: one thing at a time (the window shows one model, one session). */
    static OpenTarget ofDropped(List<Path> paths) {
        return paths.size() == 1 ? of(paths.getFirst()) : new Refused(I18n.text("open.oneAtATime", paths.size()));
    }

    /**
     * Whether the app's single argument {@code arg} names something to open rather than a command-line command: a
     * path (it has a folder separator or an extension, which no command name has) or a file: URI. {@code ./glassbox}
     * applies the same rule.
     */
    static boolean isPathArgument(String arg) {
        return !arg.startsWith("-") && (arg.indexOf('/') >= 0 || arg.indexOf('\\') >= 0 || arg.indexOf('.') >= 0);
    }

    /** The path an argument names ({@link #isPathArgument}); a file: URI (as some desktops pass) becomes its path. */
    static Path argumentPath(String arg) {
        if (arg.startsWith("file:")) {
            try {
                return Path.of(java.net.URI.create(arg));
            } catch (IllegalArgumentException e) {
                return Path.of(arg);
            }
        }
        return Path.of(arg);
    }
}
