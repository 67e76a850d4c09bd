package dev.glassbox.app.ui;

import java.util.List;
import java.util.Optional;

import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;

import dev.glassbox.app.service.DisplayPreference;
import dev.glassbox.app.service.DisplayPreference.Bounds;

/**
 * Where the window opens: where the user left it, or, the first time (or when that place is on no screen now, a
 * projector unplugged), maximised over nine tenths of the primary screen.
 */
public final class WindowPlacement {
    /** How much of a saved window must lie on some screen for it to reopen there (its title bar, roughly). */
    static final double MIN_VISIBLE_WIDTH = 160;
    static final double MIN_VISIBLE_HEIGHT = 60;

    private WindowPlacement() {
    }

    /** The place to open at, given what was saved and the screens' visual bounds (the first of them the primary). */
    static Bounds initial(Optional<Bounds> saved, List<Rectangle2D> screens) {
        Rectangle2D primary = screens.getFirst();
        if (saved.isPresent()) {
            Bounds b = saved.get();
            for (Rectangle2D s : screens) {
                double w = Math.min(b.x() + b.width(), s.getMaxX()) - Math.max(b.x(), s.getMinX());
                double h = Math.min(b.y() + b.height(), s.getMaxY()) - Math.max(b.y(), s.getMinY());
                if (w >= MIN_VISIBLE_WIDTH && h >= MIN_VISIBLE_HEIGHT) {
                    double width = Math.min(b.width(), s.getWidth());
                    double height = Math.min(b.height(), s.getHeight());
                    double x = Math.max(s.getMinX(), Math.min(b.x(), s.getMaxX() - width));
                    double y = Math.max(s.getMinY(), Math.min(b.y(), s.getMaxY() - height));
                    return new Bounds(x, y, width, height, b.maximized());
                }
            }
        }
        double width = Math.round(primary.getWidth() * 0.9);
        double height = Math.round(primary.getHeight() * 0.9);
        return new Bounds(primary.getMinX() + (primary.getWidth() - width) / 2,
                primary.getMinY() + (primary.getHeight() - height) / 2, width, height, true);
    }

    /** The place to open at on this machine's screens. */
    public static Bounds initial(DisplayPreference prefs) {
        List<Rectangle2D> screens = new java.util.ArrayList<>();
        screens.add(Screen.getPrimary().getVisualBounds());
        Screen.getScreens().stream().filter(s -> s != Screen.getPrimary()).forEach(s -> screens.add(s.getVisualBounds()));
        return initial(prefs.bounds(), screens);
    }

    /** Puts {@code stage} at {@code b} and remembers its last ordinary (not maximised, not full-screen) place when it closes. */
    public static void apply(Stage stage, Bounds b, DisplayPreference prefs) {
        stage.setX(b.x());
        stage.setY(b.y());
        stage.setMaximized(b.maximized());
        Bounds[] normal = {b};
        Runnable track = () -> {
            if (!stage.isMaximized() && !stage.isFullScreen() && stage.getWidth() > 0 && stage.getHeight() > 0) {
                normal[0] = new Bounds(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), false);
            }
        };
        stage.xProperty().addListener((o, a, v) -> track.run());
        stage.yProperty().addListener((o, a, v) -> track.run());
        stage.widthProperty().addListener((o, a, v) -> track.run());
        stage.heightProperty().addListener((o, a, v) -> track.run());
        stage.addEventHandler(WindowEvent.WINDOW_HIDING, e -> {
            Bounds n = normal[0];
            prefs.saveBounds(new Bounds(n.x(), n.y(), n.width(), n.height(), stage.isMaximized()));
        });
    }
}
