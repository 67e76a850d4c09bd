package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import javafx.scene.layout.Pane;
import javafx.stage.Stage;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.ModelCatalog;

/**
 * The README's pictures, taken from the real app on the bundled model: every workspace after a run, in the dark and
 * the light theme and in presentation mode (F5), the search after a short one (8 candidates, 60 steps). Not a test of the suite (its name does not end in Test): run by
 * {@code docs/screenshots/regenerate.sh}, which passes {@code -Dglassbox.screenshots=<folder>} (and optionally
 * {@code -Dglassbox.screenshotLocale=zh-CN}); without that property it does nothing. In Chinese it takes the dark
 * theme only, as {@code <workspace>-zh.png} (the README's names).
 */
class ReadmeScreenshots extends WindowTestBase {
    private static final String[] NAMES = {"explore", "heads", "context", "routing", "train", "walkthrough", "search"};
    private static final double WIDTH = 1280;
    private static final double HEIGHT = 720;
    /** Long enough for the slowest run (the context lab's) on a busy machine. */
    private static final long WAIT_SECONDS = 600;

    ReadmeScreenshots() {
        super(1000, 700);
    }

    @Start
    void start(Stage stage) {
        show(stage);
    }

    @Override
    Locale locale() {
        return Locale.forLanguageTag(System.getProperty("glassbox.screenshotLocale", "en"));
    }

    @Override
    ModelCatalog catalog() {
        return ModelCatalog.discover();
    }

    private static void waitFor(String what, Callable<Boolean> done) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(WAIT_SECONDS, TimeUnit.SECONDS, done);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static void onFx(Runnable r) throws Exception {
        WaitForAsyncUtils.asyncFx(r).get();
    }

    /** Runs workspace {@code ws}'s computation with its defaults and waits for its results on screen. */
    private void run(WorkspacePane ws) throws Exception {
        int before = ws.runsDoneProperty().get();
        onFx(ws::runNow);
        waitFor(ws.getId(), () -> ws.runsDoneProperty().get() > before || !window.errorBanner.getText().isEmpty());
        assertTrue(window.errorBanner.getText().isEmpty(), window.errorBanner.getText());
    }

    @Test
    void everyWorkspaceInBothThemesAndPresenting(FxRobot robot) throws Exception {
        String dir = System.getProperty("glassbox.screenshots");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(), "no -Dglassbox.screenshots folder: nothing to take");
        waitFor("the bundled model", () -> window.modelProperty().get() != null);
        WindowDriver d = new WindowDriver(robot, window);
        d.generate("Once upon a time", 32);
        d.openHead(2, 1);
        for (int w = 1; w < NAMES.length; w++) {
            int ws = w;
            onFx(() -> window.selectWorkspace(ws));
            switch (w) {
                case 1 -> {
                    run(window.heads());
                    onFx(() -> window.heads().select(1, 1));
                }
                case 4 -> {
                    TrainWorkspace t = window.train();
                    onFx(() -> {
                        t.heads.field.setText("2");
                        t.kvHeads.field.setText("2");
                        t.dim.field.setText("32");
                        t.batch.field.setText("8");
                        t.steps.field.setText("150");
                        t.start();
                    });
                    waitFor("training", () -> t.framesShownProperty().get() > 0 && !t.running());
                }
                case 6 -> {
                    SearchWorkspace s = window.search.get();
                    onFx(() -> {
                        s.candidates.field.setText("8");
                        s.steps.field.setText("60");
                        s.start();
                    });
                    waitFor("the search", () -> !s.busy() && !s.shown().isEmpty());
                    onFx(() -> {
                        s.pick(s.shown().getFirst());
                        // the README shows the Chinese search with its "What am I seeing?" panel
                        s.explanation().toggle().setSelected(dev.glassbox.visuals.i18n.I18n.locale().getLanguage().equals("zh"));
                    });
                }
                default -> run((WorkspacePane) window.workspaces.getTabs().get(w).getContent());
            }
        }
        // laid out at 1280 x 720 whatever the headless screen's size (1000 x 1000), as in LayoutFitsWindowTest
        onFx(() -> {
            Pane holder = new Pane();
            window.getScene().setRoot(holder);
            window.getStyleClass().add("root");
            window.setManaged(false);
            holder.getChildren().add(window);
            window.resizeRelocate(0, 0, WIDTH, HEIGHT);
        });
        boolean chinese = dev.glassbox.visuals.i18n.I18n.locale().getLanguage().equals("zh");
        for (boolean presenting : new boolean[] {false, true}) {
            for (boolean light : new boolean[] {false, true}) {
                if (presenting && !light || chinese && (presenting || light)) {
                    continue; // presentation mode is for projectors: the light theme
                }
                onFx(() -> {
                    window.lightTheme.setSelected(light);
                    if (presenting) {
                        window.startPresentation();
                    }
                });
                for (int w = 0; w < NAMES.length; w++) {
                    int ws = w;
                    onFx(() -> {
                        window.selectWorkspace(ws);
                        window.applyCss();
                        window.layout();
                    });
                    WaitForAsyncUtils.waitForFxEvents();
                    if (chinese) {
                        Screenshots.saveAs(window, size -> NAMES[ws] + "-zh.png");
                    } else {
                        Screenshots.save(window, NAMES[w] + (presenting ? "-present" : light ? "-light" : "-dark"));
                    }
                }
            }
        }
        onFx(window::endPresentation);
        try (var files = Files.list(Path.of(dir))) {
            assertTrue(files.count() >= (chinese ? 1L : 3L) * NAMES.length, "the pictures of every workspace in " + dir);
        }
    }
}
