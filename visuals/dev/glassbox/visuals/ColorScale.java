package dev.glassbox.visuals;

import java.util.Locale;

import dev.glassbox.visuals.i18n.I18n;

/**
 * How a weight maps to a colour-map position: relative to the map's largest weight, linearly, through a
 * square root (a power norm that lifts the many small weights next to an attention sink), or on a
 * four-decade log scale.
 */
public enum ColorScale {
    LINEAR, SQRT, LOG;

    /** Position in [0, 1] of weight {@code v} in a map whose largest weight is {@code max}. */
    public double position(float v, float max) {
        double r = Math.max(0, v / (double) max);
        return switch (this) {
            case LINEAR -> r;
            case SQRT -> Math.sqrt(r);
            case LOG -> r <= 1e-4 ? 0 : 1 + Math.log10(r) / 4;
        };
    }

    /** A short name for a menu, in the current language ("linear", "sqrt", "log"). */
    @Override
    public String toString() { return I18n.text("scale.short." + name().toLowerCase(Locale.ROOT)); }
}
