package dev.glassbox.app.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.glassbox.engine.io.AtomicFile;
import dev.glassbox.visuals.i18n.I18n;

/** Reads and writes {@code .glassbox} session files (JSON, versioned; written atomically). */
public final class SessionFiles {
    public static final String EXTENSION = ".glassbox";
    /** The prefix of a model reference naming an encoder bundled in the app rather than a path. */
    public static final String BUNDLED = "bundled:";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SessionFiles() {
    }

    public static boolean isSession(Path p) {
        return p.getFileName() != null && p.getFileName().toString().endsWith(EXTENSION);
    }

    /**
     * Reads {@code file}; a model path in it is taken relative to the file's folder (so lessons can name the
     * bundled sample models beside them) and returned absolute.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    public static SessionFile read(Path file) throws IOException {
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            if (root == null || !root.isObject()) {
                throw new IOException(I18n.text("session.notObject", file));
            }
            JsonNode v = root.get("version");
            if (v == null || !v.isInt()) {
                throw new IOException(I18n.text("session.noVersion", file));
            }
            if (v.asInt() != SessionFile.VERSION) {
                throw new IOException(I18n.text("session.version", file, v.asInt(), SessionFile.VERSION));
            }
            SessionFile s = JSON.treeToValue(root, SessionFile.class);
            if (s.state() == null) {
                throw new IOException(I18n.text("session.noState", file));
            }
            Path dir = file.toAbsolutePath().getParent();
            return new SessionFile(s.version(), resolve(s.state(), dir),
                    s.lesson().stream().map(st -> new SessionFile.Step(st.title(), st.text(), resolve(st.state(), dir))).toList());
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": " + I18n.text("error.noSuchFile"), e);
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            throw new IOException(I18n.text("session.invalid", file, firstLine(e.getMessage())), e);
        }
    }

    public static void write(Path file, SessionFile session) throws IOException {
        AtomicFile.write(file, out -> JSON.writeValue(new java.io.FilterOutputStream(out) {
            @Override
            public void close() {
                // AtomicFile closes and commits the stream
            }
        }, session));
    }

    /** {@code s} with its model path and context text path taken relative to {@code dir} and made absolute. */
    private static SessionFile.SessionState resolve(SessionFile.SessionState s, Path dir) {
        if (s == null) {
            return null;
        }
        String model = s.model() == null || s.model().startsWith(BUNDLED) ? s.model() : absolute(dir, s.model());
        SessionFile.ContextLab c = s.context();
        if (c != null && c.text() != null && !c.text().isEmpty()) {
            c = new SessionFile.ContextLab(c.methods(), absolute(dir, c.text()), c.maxLength());
        }
        return s.withPaths(model, c);
    }

    private static String absolute(Path dir, String path) {
        return dir.resolve(path).normalize().toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return I18n.text("session.unreadable");
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
