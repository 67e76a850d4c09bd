package dev.glassbox.visuals;

import javafx.scene.paint.Color;

/**
 * Perceptually uniform, colour-blind-safe colour maps (matplotlib's viridis and cividis), sampled at nine
 * stops and interpolated linearly in sRGB; values are clamped to [0, 1].
 */
public enum Palette {
    VIRIDIS(0x440154, 0x472c7a, 0x3b518b, 0x2c718e, 0x21908d, 0x27ad81, 0x5cc863, 0xaadc32, 0xfde725),
    CIVIDIS(0x00224e, 0x123570, 0x3b496c, 0x575d6d, 0x707173, 0x8a8779, 0xa69d75, 0xc4b56c, 0xfee838),
    GREYS(0xffffff, 0x000000);

    private final int[] stops;
    private final int[] lut = new int[256];

    Palette(int... stops) {
        this.stops = stops;
        for (int i = 0; i < 256; i++) {
            lut[i] = interpolate(i / 255.0);
        }
    }

    private int interpolate(double t) {
        double x = t * (stops.length - 1);
        int i = Math.min((int) x, stops.length - 2);
        double f = x - i;
        int a = stops[i];
        int b = stops[i + 1];
        int r = (int) Math.round(((a >> 16) & 255) * (1 - f) + ((b >> 16) & 255) * f);
        int g = (int) Math.round(((a >> 8) & 255) * (1 - f) + ((b >> 8) & 255) * f);
        int bl = (int) Math.round((a & 255) * (1 - f) + (b & 255) * f);
        return 0xFF000000 | r << 16 | g << 8 | bl;
    }

    /** Opaque ARGB for {@code t} in [0, 1] (NaN maps to mid grey so it stands out from the map). */
    public int argb(double t) {
        if (Double.isNaN(t)) {
            return 0xFF808080;
        }
        int i = (int) Math.round(Math.max(0, Math.min(1, t)) * 255);
        return lut[i];
    }

    /** The map's usual lower-case name ("viridis"), short enough for a menu. */
    @Override
    public String toString() { return name().toLowerCase(java.util.Locale.ROOT); }

    public Color color(double t) {
        int c = argb(t);
        return Color.rgb((c >> 16) & 255, (c >> 8) & 255, c & 255);
    }
}
