package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.prefs.Preferences;

import javafx.geometry.Rectangle2D;

import org.junit.jupiter.api.Test;

import dev.glassbox.app.service.DisplayPreference;
import dev.glassbox.app.service.DisplayPreference.Bounds;

/** Where the window opens: maximised the first time, where it was left later, never off every screen. */
class WindowPlacementTest {
    private static final Rectangle2D FULL_HD = new Rectangle2D(0, 0, 1920, 1080);
    private static final Rectangle2D PROJECTOR = new Rectangle2D(1920, 0, 1280, 720);

    @Test
    void firstTimeItIsMaximisedOverMostOfThePrimaryScreen() {
        Bounds b = WindowPlacement.initial(Optional.empty(), List.of(FULL_HD, PROJECTOR));
        assertTrue(b.maximized());
        assertEquals(new Bounds(96, 54, 1728, 972, true), b, "nine tenths, centred, for when it is restored");
    }

    @Test
    void itReopensWhereItWasLeftOnAnyScreen() {
        Bounds left = new Bounds(2000, 40, 1000, 600, false);
        assertEquals(left, WindowPlacement.initial(Optional.of(left), List.of(FULL_HD, PROJECTOR)));
    }

    @Test
    void aPlaceOffEveryScreenFallsBackToTheDefault() {
        Bounds onUnpluggedProjector = new Bounds(2000, 40, 1000, 600, false);
        assertEquals(WindowPlacement.initial(Optional.empty(), List.of(FULL_HD)),
                WindowPlacement.initial(Optional.of(onUnpluggedProjector), List.of(FULL_HD)));
        Bounds barelyOn = new Bounds(1900, 1060, 800, 600, false); // 20 x 20 pixels on screen: no title bar to grab
        assertEquals(WindowPlacement.initial(Optional.empty(), List.of(FULL_HD)),
                WindowPlacement.initial(Optional.of(barelyOn), List.of(FULL_HD)));
    }

    @Test
    void aWindowLargerThanItsScreenNowIsShrunkOntoIt() {
        Bounds big = new Bounds(1950, 10, 1900, 1000, true);
        assertEquals(new Bounds(1920, 0, 1280, 720, true), WindowPlacement.initial(Optional.of(big), List.of(FULL_HD, PROJECTOR)));
    }

    @Test
    void boundsRoundTripThroughPreferencesAndABadEntryIsIgnored() throws Exception {
        Preferences node = Preferences.userRoot().node("dev/glassbox/test-" + UUID.randomUUID());
        try {
            DisplayPreference prefs = new DisplayPreference(node);
            assertEquals(Optional.empty(), prefs.bounds());
            Bounds b = new Bounds(10.5, 20, 1200, 700, true);
            prefs.saveBounds(b);
            assertEquals(Optional.of(b), new DisplayPreference(node).bounds());
            node.put("windowBounds", "10 20 NaN 700 false");
            assertEquals(Optional.empty(), prefs.bounds(), "not a place");
            node.put("windowBounds", "ten 20 1200 700 false");
            assertEquals(Optional.empty(), prefs.bounds());
        } finally {
            node.removeNode();
        }
    }
}
