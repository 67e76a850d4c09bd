package dev.glassbox.visuals;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;

/**
 * The colours and text size every canvas draws with, so that views follow the app's light or dark theme and its
 * text scale (Ctrl+plus, presentation mode). Views read {@link #current()} and {@link #font} when they paint and
 * repaint when {@link #currentProperty()} or {@link #textScaleProperty()} changes. Colour maps stay {@link Palette}s:
 * they encode values, not the theme.
 */
public enum Theme {
    DARK(0x1b1b1b, 0x232323, 0xdddddd, 0x9a9a9a, 0x3a3a3a, 0x4a9eda, 0xff5a36),
    LIGHT(0xffffff, 0xf2f2f2, 0x1a1a1a, 0x5a5a5a, 0xd0d0d0, 0x1f6fb2, 0xd43d1a);

    /** The size of ordinary canvas text, in pixels, at text scale 1. */
    public static final double BASE_TEXT_PX = 12;

    private static final ObjectProperty<Theme> CURRENT = new SimpleObjectProperty<>(DARK);
    private static final DoubleProperty TEXT_SCALE = new SimpleDoubleProperty(1);

    private final Color background;
    private final Color panel;
    private final Color text;
    private final Color mutedText;
    private final Color gridLine;
    private final Color accent;
    private final Color highlight;

    Theme(int background, int panel, int text, int mutedText, int gridLine, int accent, int highlight) {
        this.background = Color.rgb(background >> 16 & 255, background >> 8 & 255, background & 255);
        this.panel = Color.rgb(panel >> 16 & 255, panel >> 8 & 255, panel & 255);
        this.text = Color.rgb(text >> 16 & 255, text >> 8 & 255, text & 255);
        this.mutedText = Color.rgb(mutedText >> 16 & 255, mutedText >> 8 & 255, mutedText & 255);
        this.gridLine = Color.rgb(gridLine >> 16 & 255, gridLine >> 8 & 255, gridLine & 255);
        this.accent = Color.rgb(accent >> 16 & 255, accent >> 8 & 255, accent & 255);
        this.highlight = Color.rgb(highlight >> 16 & 255, highlight >> 8 & 255, highlight & 255);
    }

    public static ObjectProperty<Theme> currentProperty() {
        return CURRENT;
    }

    public static Theme current() {
        return CURRENT.get();
    }

    /** 1 = normal; the app's zoom and presentation mode raise it, and every canvas text grows with it. */
    public static DoubleProperty textScaleProperty() {
        return TEXT_SCALE;
    }

    public static double textScale() {
        return TEXT_SCALE.get();
    }

    /** A canvas font of {@code px} pixels at text scale 1, grown by the current text scale. */
    public static Font font(double px) {
        return Font.font(px * textScale());
    }

    /** The ordinary canvas font ({@link #BASE_TEXT_PX} at the current scale). */
    public static Font font() {
        return font(BASE_TEXT_PX);
    }

    /** Behind a chart or map. */
    public Color background() {
        return background;
    }

    /** Behind panels and legends, a shade off the background. */
    public Color panel() {
        return panel;
    }

    /** Labels, ticks, titles. */
    public Color text() {
        return text;
    }

    /** Secondary labels and notes. */
    public Color mutedText() {
        return mutedText;
    }

    /** Axes and grid lines. */
    public Color gridLine() {
        return gridLine;
    }

    /** The first data series and selections. */
    public Color accent() {
        return accent;
    }

    /** What the user selected or what needs attention. */
    public Color highlight() {
        return highlight;
    }
}
