package dev.glassbox.app.service;

import java.util.Optional;
import java.util.prefs.Preferences;

import dev.glassbox.visuals.Theme;

/**
 * How the user last left the window, remembered across runs (java.util.prefs): the theme, whether the prompt block
 * was collapsed, and the window's place and size. Nothing saved: the dark theme, the prompt shown, no place.
 */
public final class DisplayPreference {
    private static final String THEME = "theme";
    private static final String PROMPT_COLLAPSED = "promptCollapsed";
    private static final String BOUNDS = "windowBounds";
    private final Preferences prefs;

    /** The window's place and size on the desktop when it was not maximised, and whether it was maximised. */
    public record Bounds(double x, double y, double width, double height, boolean maximized) {
        String encode() {
            return x + " " + y + " " + width + " " + height + " " + maximized;
        }

        static Optional<Bounds> decode(String s) {
            String[] p = s == null ? new String[0] : s.trim().split(" ");
            if (p.length != 5) {
                return Optional.empty();
            }
            try {
                Bounds b = new Bounds(Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2]),
                        Double.parseDouble(p[3]), Boolean.parseBoolean(p[4]));
                boolean finite = Double.isFinite(b.x) && Double.isFinite(b.y) && Double.isFinite(b.width) && Double.isFinite(b.height);
                return finite && b.width > 0 && b.height > 0 ? Optional.of(b) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty(); // a hand-edited or older entry: the default place instead
            }
        }
    }

    public DisplayPreference(Preferences prefs) {
        this.prefs = prefs;
    }

    public static DisplayPreference user() {
        return new DisplayPreference(Preferences.userRoot().node(RecentModels.NODE));
    }

    /** The theme picked last (dark until one is picked). */
    public Theme theme() {
        String name = prefs.get(THEME, Theme.DARK.name());
        for (Theme t : Theme.values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return Theme.DARK;
    }

    /** Switches every view to {@code theme} now and remembers it. */
    public void chooseTheme(Theme theme) {
        Theme.currentProperty().set(theme);
        prefs.put(THEME, theme.name());
    }

    /** Switches to the saved theme. */
    public void apply() {
        Theme.currentProperty().set(theme());
    }

    public boolean promptCollapsed() {
        return prefs.getBoolean(PROMPT_COLLAPSED, false);
    }

    public void setPromptCollapsed(boolean collapsed) {
        prefs.putBoolean(PROMPT_COLLAPSED, collapsed);
    }

    /** Where the window was last, if it was ever closed. */
    public Optional<Bounds> bounds() {
        return Bounds.decode(prefs.get(BOUNDS, null));
    }

    public void saveBounds(Bounds b) {
        prefs.put(BOUNDS, b.encode());
    }
}
