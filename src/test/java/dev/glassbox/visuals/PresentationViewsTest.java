package dev.glassbox.visuals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Supplier;

import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.engine.analysis.heads.HeadTable;
import dev.glassbox.testing.TestStage;
import dev.glassbox.visuals.chart.LinePlot;
import dev.glassbox.visuals.chart.Series;
import dev.glassbox.visuals.context.CoverageMapView;
import dev.glassbox.visuals.context.PasskeyGridView;
import dev.glassbox.visuals.heads.ScoreGridView;
import dev.glassbox.visuals.i18n.I18n;
import dev.glassbox.visuals.routing.ExpertFlowView;
import dev.glassbox.visuals.routing.RouteLanesView;

/** What a class reads off a projected view: legends that match the colours, the theme, text scale, axes, Fit. */
@ExtendWith(ApplicationExtension.class)
class PresentationViewsTest {
    private StackPane root;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        root = new StackPane();
        TestStage.show(stage, new Scene(root, 900, 600));
    }

    @AfterEach
    void restoreTheme(FxRobot robot) {
        robot.interact(() -> {
            Theme.currentProperty().set(Theme.DARK);
            Theme.textScaleProperty().set(1);
        });
    }

    private <T extends Node> T show(FxRobot robot, Supplier<T> make) {
        List<T> out = new ArrayList<>();
        robot.interact(() -> {
            T node = make.get();
            root.getChildren().setAll(node);
            out.add(node);
        });
        WaitForAsyncUtils.waitForFxEvents();
        return out.getFirst();
    }

    private static int pixel(CanvasView v, double x, double y) {
        return v.canvas().snapshot(null, null).getPixelReader().getArgb((int) x, (int) y);
    }

    private static AttentionMatrix causal(int n, float top) {
        float[][] w = new float[n][];
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            w[i] = new float[i + 1];
            w[i][0] = top;
            labels.add("t" + i);
        }
        return new AttentionMatrix("m", w, labels, labels);
    }

    @Test
    void theHeatmapKeyNamesItsScaleRangeAndDirection(FxRobot robot) {
        AttentionHeatmap h = show(robot, () -> {
            AttentionHeatmap v = new AttentionHeatmap();
            v.setMatrix(causal(12, 0.8f));
            return v;
        });
        ColorLegend key = h.legend();
        assertEquals("0", key.leftText());
        assertEquals("0.8", key.rightText(), "the bright end is the map's largest weight");
        assertEquals(I18n.text("legend.scale.sqrt"), key.scaleText());
        assertEquals(I18n.text("legend.moreAttention"), key.directionText());
        robot.interact(() -> h.setColorScale(ColorScale.LOG));
        assertEquals(I18n.text("legend.scale.log"), key.scaleText());
        int[] ends = new int[2];
        robot.interact(() -> {
            ends[0] = key.endArgb(false);
            ends[1] = key.endArgb(true);
        });
        assertEquals(Palette.VIRIDIS.argb(0), ends[0]);
        assertEquals(Palette.VIRIDIS.argb(1), ends[1]);
    }

    @Test
    void aDistanceAndASimilarityBothPaintAlikeHeadsBright(FxRobot robot) {
        double[][] js = {{0, 0.6}, {0.6, 0}};
        double[][] cos = {{1, 0.2}, {0.2, 1}};
        List<String> labels = List.of("H0", "H1");
        ScoreGridView grid = show(robot, ScoreGridView::new);
        robot.interact(() -> grid.setScores("js", js, labels, labels, 0, 0.6, null, HeadTable.Sense.DISTANCE));
        Point2D diagonal = grid.cellCenter(0, 0).orElseThrow();
        int[] px = new int[1];
        robot.interact(() -> px[0] = pixel(grid, diagonal.getX(), diagonal.getY()));
        assertEquals(Integer.toHexString(Palette.VIRIDIS.argb(1)), Integer.toHexString(px[0]), "identical heads (JS 0) are bright");
        assertEquals("0.6", grid.legend().leftText(), "the dark end of a distance's key is its largest value");
        assertEquals("0", grid.legend().rightText());
        assertEquals(I18n.text("legend.brightAlike"), grid.legend().directionText());

        robot.interact(() -> grid.setScores("wq", cos, labels, labels, 0, 1, null, HeadTable.Sense.SIMILARITY));
        robot.interact(() -> px[0] = pixel(grid, diagonal.getX(), diagonal.getY()));
        assertEquals(Integer.toHexString(Palette.VIRIDIS.argb(1)), Integer.toHexString(px[0]), "identical heads (cosine 1) are bright");
        assertEquals("0", grid.legend().leftText());
        assertEquals("1", grid.legend().rightText());
        assertEquals(I18n.text("legend.brightAlike"), grid.legend().directionText());
    }

    @Test
    void everyColourEncodingHasALegendNode(FxRobot robot) {
        List<Supplier<Node>> views = List.of(
                () -> {
                    AttentionHeatmap v = new AttentionHeatmap();
                    v.setMatrix(causal(4, 1));
                    return v;
                },
                () -> {
                    ScoreGridView v = new ScoreGridView();
                    v.setScores("induction", new double[][] {{0.1, 0.9}}, List.of("layer 0"), List.of("H0", "H1"), 0, 1, null);
                    return v;
                },
                () -> {
                    PasskeyGridView v = new PasskeyGridView();
                    v.setResults(new int[] {64}, new double[] {0.5}, new double[][] {{1}});
                    return v;
                },
                () -> {
                    CoverageMapView v = new CoverageMapView();
                    BitSet b = new BitSet();
                    b.set(0);
                    v.setCoverage(new BitSet[] {b}, new int[0]);
                    return v;
                },
                () -> {
                    RouteLanesView v = new RouteLanesView();
                    v.setLanes(List.of(new RouteLanesView.Lane("a", new double[] {1, 0.5}, new int[] {2, -1}, "")), 2);
                    return v;
                },
                () -> {
                    ExpertFlowView v = new ExpertFlowView();
                    v.setFlow(new ExpertFlowView.Flow(List.of(0, 1), 2, new int[][] {{0, 1}}));
                    return v;
                },
                () -> {
                    LogitLensView v = new LogitLensView();
                    v.setTable(new LensTable(List.of("L0"), List.of("a"), new String[][] {{"b"}}, new float[][] {{0.5f}}));
                    return v;
                },
                () -> {
                    AttentionGrid v = new AttentionGrid();
                    v.setRows(List.of("H0"), List.of(new GridRow("L0", List.of(causal(3, 1)))));
                    return v;
                });
        for (Supplier<Node> make : views) {
            Node v = show(robot, make);
            Node legend = v.lookup(".legend");
            assertNotNull(legend, v.getClass().getSimpleName() + " has a .legend node");
            assertTrue(legend.isVisible() && legend.getBoundsInParent().getWidth() > 0, v.getClass().getSimpleName() + "'s legend is shown");
        }
    }

    @Test
    void switchingTheThemeRepaintsTheBackground(FxRobot robot) {
        LinePlot plot = show(robot, () -> {
            LinePlot p = new LinePlot();
            p.setSeries(List.of(new Series("loss", new double[] {0, 1, 2}, new double[] {3, 2, 1})));
            return p;
        });
        int[] px = new int[1];
        robot.interact(() -> px[0] = pixel(plot, 1, 1));
        assertEquals(Integer.toHexString(CanvasView.argb(Theme.DARK.background())), Integer.toHexString(px[0]));
        robot.interact(() -> Theme.currentProperty().set(Theme.LIGHT));
        robot.interact(() -> px[0] = pixel(plot, 1, 1));
        assertEquals(Integer.toHexString(CanvasView.argb(Theme.LIGHT.background())), Integer.toHexString(px[0]), "no call but the theme change");
    }

    @Test
    void theTextScaleGrowsTheCanvasFont(FxRobot robot) {
        LinePlot plot = show(robot, () -> {
            LinePlot p = new LinePlot();
            p.setSeries(List.of(new Series("loss", new double[] {0, 1, 2}, new double[] {3, 2, 1})));
            return p;
        });
        double before = plot.canvas().getGraphicsContext2D().getFont().getSize();
        robot.interact(() -> Theme.textScaleProperty().set(2));
        assertEquals(2 * before, plot.canvas().getGraphicsContext2D().getFont().getSize(), 1e-9);
    }

    @Test
    void nonNegativeDataStartsAtZeroAndStepsTickWhole(FxRobot robot) {
        double[] steps = new double[53];
        double[] loss = new double[53];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = i;
            loss[i] = 2 + Math.exp(-i / 10.0);
        }
        LinePlot plot = show(robot, () -> {
            LinePlot p = new LinePlot();
            p.setSeries(List.of(new Series("train loss", steps, loss)));
            return p;
        });
        assertEquals(0, plot.yRange()[0], "loss is never negative: its axis starts at 0, not below");
        for (double t : plot.xTicks()) assertEquals(Math.rint(t), t, "whole steps only: " + t);
        assertTrue(plot.xTicks().length >= 2);
        robot.interact(() -> plot.setSeries(List.of(new Series("delta", new double[] {0, 1}, new double[] {-1, 2}))));
        assertTrue(plot.yRange()[0] < -1, "a signed quantity keeps its negative range");
        robot.interact(() -> {
            plot.setSeries(List.of(new Series("nll", new double[] {1, 2}, new double[] {Math.log(4), Math.log(8)})));
            plot.setExponentiated(true);
        });
        assertTrue(plot.yRange()[1] >= 8, "perplexity = e^NLL reaches 8");
    }

    @Test
    void fitShowsTheLastRowAfterTheViewShrinks(FxRobot robot) {
        AttentionHeatmap h = show(robot, () -> {
            AttentionHeatmap v = new AttentionHeatmap();
            v.setMatrix(causal(65, 1));
            return v;
        });
        robot.interact(() -> stage.setHeight(420));
        WaitForAsyncUtils.waitForFxEvents();
        Point2D first = h.cellCenter(0, 0).orElseThrow();
        Point2D last = h.cellCenter(64, 0).orElseThrow(() -> new AssertionError("the last row is out of view"));
        double pitch = (last.getY() - first.getY()) / 64;
        assertTrue(last.getY() + pitch / 2 <= h.canvas().getHeight() + 1e-6,
                "last row's bottom " + (last.getY() + pitch / 2) + " inside the canvas " + h.canvas().getHeight());
        robot.interact(() -> h.zoomBy(3));
        robot.interact(h::fit);
        assertTrue(h.cellCenter(64, 0).isPresent(), "Fit brings every row back");
    }

    @Test
    void aFlatZeroPasskeyIsExplainedInWords(FxRobot robot) {
        PasskeyGridView v = show(robot, PasskeyGridView::new);
        robot.interact(() -> v.setResults(new int[] {128, 256}, new double[] {0.1, 0.9}, new double[][] {{1, 0}, {1, 0}}));
        assertEquals(I18n.text("passkey.someZero", "256"), v.zeroNote());
        robot.interact(() -> v.setResults(new int[] {128}, new double[] {0.5}, new double[][] {{0}}));
        assertEquals(I18n.text("passkey.allZero", "128"), v.zeroNote());
        robot.interact(() -> v.setResults(new int[] {128}, new double[] {0.5}, new double[][] {{1}}));
        assertTrue(v.zeroNote().isEmpty(), "no note when the passkey was found");
    }

    @Test
    void routeLanesKeepReadableRowsAndScroll(FxRobot robot) {
        List<RouteLanesView.Lane> lanes = new ArrayList<>();
        for (int t = 0; t < 65; t++) lanes.add(new RouteLanesView.Lane("tok" + t, new double[] {1, 0.5}, null, ""));
        RouteLanesView v = show(robot, RouteLanesView::new);
        robot.interact(() -> v.setLanes(lanes, 2));
        Point2D a = v.cellCenter(0, 0).orElseThrow(), b = v.cellCenter(1, 0).orElseThrow();
        assertTrue(b.getY() - a.getY() >= 16, "rows stay at least 16 px high: " + (b.getY() - a.getY()));
        assertTrue(v.cellCenter(64, 0).isEmpty(), "65 lanes do not fit at once");
        robot.interact(() -> v.scrollTo(64));
        Point2D last = v.cellCenter(64, 0).orElseThrow();
        assertEquals(64, v.laneAt(last.getY()));
        assertTrue(v.describeAt(last.getX(), last.getY()).contains("tok64"));
    }
}
