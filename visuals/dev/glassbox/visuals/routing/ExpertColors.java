package dev.glassbox.visuals.routing;

import java.util.ArrayList;
import java.util.List;

import javafx.scene.paint.Color;

import dev.glassbox.visuals.CategoryLegend;

/** Categorical colours for experts (Okabe-Ito, colour-blind safe), cycling past eight. */
public final class ExpertColors {
    private static final int[] OKABE_ITO = {0xE69F00, 0x56B4E9, 0x009E73, 0xF0E442, 0x0072B2, 0xD55E00, 0xCC79A7, 0x999999};

    private ExpertColors() {
    }

    public static Color of(int expert) {
        int rgb = OKABE_ITO[Math.floorMod(expert, OKABE_ITO.length)];
        return Color.rgb(rgb >> 16 & 255, rgb >> 8 & 255, rgb & 255);
    }

    /** The key entries of experts 0 .. experts - 1 ("E0", "E1", …). */
    public static List<CategoryLegend.Entry> legend(int experts) {
        List<CategoryLegend.Entry> out = new ArrayList<>();
        for (int e = 0; e < experts; e++) out.add(new CategoryLegend.Entry("E" + e, of(e)));
        return out;
    }
}
