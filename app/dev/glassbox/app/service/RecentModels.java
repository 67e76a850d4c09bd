package dev.glassbox.app.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.Preferences;

/** The last few models opened from disk, remembered across runs (java.util.prefs). */
public final class RecentModels {
    /** The preferences node of the user's settings. */
    public static final String NODE = "dev/glassbox/app";
    private static final String KEY = "recent";
    private static final int MAX = 8;
    private final Preferences prefs;

    public RecentModels(Preferences prefs) {
        this.prefs = prefs;
    }

    public static RecentModels user() {
        return new RecentModels(Preferences.userRoot().node(NODE));
    }

    /** Remembered paths that still exist, newest first. */
    public List<Path> list() {
        List<Path> out = new ArrayList<>();
        String stored;
        try {
            stored = prefs.get(KEY, "");
        } catch (IllegalStateException removed) { // the node was removed (a test's throw-away preferences): none remembered
            return out;
        }
        for (String s : stored.split("\n")) {
            if (!s.isBlank() && Files.exists(Path.of(s))) {
                out.add(Path.of(s));
            }
        }
        return out;
    }

    public void add(Path path) {
        List<Path> l = new ArrayList<>(list());
        Path abs = path.toAbsolutePath().normalize();
        l.remove(abs);
        l.addFirst(abs);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(MAX, l.size()); i++) {
            sb.append(l.get(i)).append('\n');
        }
        try {
            prefs.put(KEY, sb.toString());
        } catch (IllegalStateException removed) {
            // nowhere to remember it: the preferences node is gone
        }
    }
}
