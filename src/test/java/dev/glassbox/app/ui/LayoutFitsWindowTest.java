package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.visuals.Theme;

/**
 * Issue #18: on a 1280 x 720 projector and a 1920 x 1080 screen, at the normal text size and four steps larger
 * (Ctrl+plus four times), in the light and the dark theme, every workspace keeps its key controls and views (the
 * sampling controls, Generate and Run, Train's buttons, the head heat map, the Heads pattern, every legend shown)
 * fully on screen: inside the window and not cut off by any pane around them. One window and one model for all
 * 48 layouts; only the window's size, text size, theme and workspace change between them.
 *
 * <p>The headless toolkit's screen is 1000 x 1000 pixels and it cannot paint a taller window, so the window is laid
 * out at each size inside a half-scale holder: its layout is the one a real window of that size gets.
 */
class LayoutFitsWindowTest extends WindowTestBase {
    private static final double[][] SIZES = {{1280, 720}, {1920, 1080}};
    private static final String[] WORKSPACES = {"Explore", "Heads", "Context lab", "Routing", "Train", "Walkthrough"};
    private Stage stage;

    LayoutFitsWindowTest() {
        super(1280, 720);
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        show(stage);
    }

    @Override
    ModelCatalog catalog() {
        return ModelCatalog.discover();
    }

    @Test
    void keyNodesStayOnScreenAtEverySizeTextSizeAndTheme(FxRobot robot) throws Exception {
        WindowDriver d = new WindowDriver(robot, window);
        d.waitForModel();
        d.generate("Once upon a time", 8);
        d.openHead(1, 1);
        // the Heads workspace with a head picked and its ablation result shown: the text that squeezed the pattern
        robot.interact(() -> window.selectWorkspace(1));
        HeadsWorkspace heads = window.heads();
        int before = heads.runsDoneProperty().get();
        robot.interact(heads::runNow);
        d.waitFor("the head analysis", () -> heads.runsDoneProperty().get() > before);
        robot.interact(() -> heads.select(1, 1));
        int ablated = heads.runsDoneProperty().get();
        robot.interact(heads.ablate::fire);
        d.waitFor("the ablation", () -> heads.runsDoneProperty().get() > ablated && !heads.ablation.getText().isBlank());
        robot.interact(this::holdAtHalfScale);

        List<String> problems = new ArrayList<>();
        int layouts = 0;
        for (double[] size : SIZES) {
            onFx(() -> {
                stage.setWidth(size[0] * SCALE);
                stage.setHeight(size[1] * SCALE);
                window.resizeRelocate(0, 0, size[0], size[1]);
            });
            for (int zoomSteps : new int[] {0, 4}) {
                onFx(() -> zoomTo(zoomSteps));
                for (Theme theme : Theme.values()) {
                    onFx(() -> window.lightTheme.setSelected(theme == Theme.LIGHT));
                    for (int w = 0; w < WORKSPACES.length; w++) {
                        int ws = w;
                        String state = String.format(Locale.ROOT, "%.0fx%.0f, text +%d, %s, %s", size[0], size[1],
                                zoomSteps, theme, WORKSPACES[w]);
                        onFx(() -> { // the CSS and layout passes of the next pulses; painting adds nothing here
                            window.selectWorkspace(ws);
                            for (int pass = 0; pass < 2; pass++) {
                                window.applyCss();
                                window.layout();
                            }
                            problems.addAll(check(state, keyNodes(ws)));
                        });
                        layouts++;
                    }
                }
            }
        }
        assertEquals(48, layouts);
        assertTrue(problems.isEmpty(), problems.size() + " key nodes off screen or cut:\n" + String.join("\n", problems));
    }

    private static final double SCALE = HALF_SCALE;

    /** Runs {@code r} on the FX thread and waits for it (without TestFX's wait for further events after it). */
    private static void onFx(Runnable r) throws Exception {
        org.testfx.util.WaitForAsyncUtils.asyncFx(r).get();
    }

    /** Zoom as Ctrl+plus does, {@code steps} steps above the normal size (from wherever it is now). */
    private double zoomSteps;

    private void zoomTo(int steps) {
        while (zoomSteps < steps) {
            window.zoom(1.1);
            zoomSteps++;
        }
        while (zoomSteps > steps) {
            window.zoom(1 / 1.1);
            zoomSteps--;
        }
    }

    /** What must stay fully visible in workspace {@code ws}, by name; the legends shown are added by {@link #check}. */
    private Map<String, Node> keyNodes(int ws) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (int i = 0; i < window.sampling.items().size(); i++) {
            nodes.put("sampling control " + (i + 1), window.sampling.items().get(i));
        }
        nodes.put("Generate", window.generate);
        nodes.put("Session menu", window.toolRow.lookup("#sessionMenu"));
        nodes.put("language", window.language);
        nodes.put("View menu", window.viewMenu);
        nodes.put("theme toggle", window.lightTheme);
        nodes.put("prompt toggle", window.promptShown);
        switch (ws) {
            case 0 -> nodes.put("head heat map", window.explorer.head.heatmap);
            case 1 -> {
                nodes.put("Heads Run", window.heads().run);
                nodes.put("Heads pattern", window.heads().pattern);
            }
            case 2 -> nodes.put("Context lab Run", window.context().run);
            case 3 -> nodes.put("Routing Run", window.routing().run);
            case 4 -> {
                TrainWorkspace t = window.train();
                nodes.put("Train Start", t.start);
                nodes.put("Train Stop", t.stop);
                nodes.put("Train Open in explorer", t.openInExplorer);
                nodes.put("Train Save", t.saveAs);
            }
            default -> nodes.put("Walkthrough Run", window.walkthrough.get().run);
        }
        return nodes;
    }

    /** Each node (and each shown node of style class {@code legend}) lies inside the window and every pane around it. */
    private List<String> check(String state, Map<String, Node> nodes) {
        for (Node legend : window.getScene().getRoot().lookupAll(".legend")) {
            if (shown(legend)) {
                nodes.put("legend " + legend.getClass().getSimpleName() + (legend.getId() == null ? "" : " #" + legend.getId()), legend);
            }
        }
        List<String> problems = new ArrayList<>();
        for (var e : nodes.entrySet()) {
            Node n = e.getValue();
            if (n == null || !shown(n)) {
                problems.add(state + ": " + e.getKey() + " is not shown");
                continue;
            }
            Bounds b = inWindow(n);
            String cut = cutBy(n, b);
            if (b.getWidth() < 1 || b.getHeight() < 1) {
                problems.add(state + ": " + e.getKey() + " has no room (" + b.getWidth() + " x " + b.getHeight() + ")");
            } else if (cut != null) {
                problems.add(state + ": " + e.getKey() + " " + fmt(b) + " is cut by " + cut);
                if (System.getProperty("debugLayout") != null) {
                    for (Node p = n; p != null; p = p.getParent()) {
                        problems.add("    " + p.getClass().getSimpleName() + " #" + p.getId() + " " + fmt(inWindow(p)) + " min " + (p instanceof javafx.scene.layout.Region r ? r.minHeight(r.getWidth()) + " pref " + r.prefHeight(r.getWidth()) : ""));
                    }
                }
            }
        }
        return problems;
    }

    /** Whether {@code n} and every node above it are visible. */
    private static boolean shown(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return n.getScene() != null;
    }

    private static final double SLACK = 1;

    /** The first of the window and the panes around {@code n} that does not hold all of {@code b}, or null. */
    private String cutBy(Node n, Bounds b) {
        double w = window.getWidth();
        double h = window.getHeight();
        if (b.getMinX() < -SLACK || b.getMinY() < -SLACK || b.getMaxX() > w + SLACK || b.getMaxY() > h + SLACK) {
            return String.format(Locale.ROOT, "the window (%.0f x %.0f)", w, h);
        }
        for (Node p = n.getParent(); p != window && p != null; p = p.getParent()) {
            Bounds pb = inWindow(p);
            if (b.getMinX() < pb.getMinX() - SLACK || b.getMinY() < pb.getMinY() - SLACK
                    || b.getMaxX() > pb.getMaxX() + SLACK || b.getMaxY() > pb.getMaxY() + SLACK) {
                return p.getClass().getSimpleName() + (p.getId() == null ? "" : " #" + p.getId()) + " " + fmt(pb);
            }
        }
        return null;
    }

    /** {@code n}'s bounds in the window's coordinates. */
    private Bounds inWindow(Node n) {
        return window.sceneToLocal(n.localToScene(n.getLayoutBounds()));
    }

    private static String fmt(Bounds b) {
        return String.format(Locale.ROOT, "[%.0f,%.0f %.0fx%.0f]", b.getMinX(), b.getMinY(), b.getWidth(), b.getHeight());
    }
}
