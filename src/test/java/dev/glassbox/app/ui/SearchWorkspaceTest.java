package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.engine.search.Architecture;
import dev.glassbox.engine.search.Candidate;
import dev.glassbox.engine.search.Costs;
import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The Search view draws candidates by status with the Pareto staircase over the chosen cost, reads exact numbers on
 * hover, shows a clicked candidate's configuration and curve, refuses a bad budget, and a cancelled search lets the next
 * one run to its end.
 */
@ExtendWith(ApplicationExtension.class)
class SearchWorkspaceTest {
    private SearchWorkspace search;

    @Start
    void start(Stage stage) {
        search = new SearchWorkspace(e -> { }, dir -> { });
        stage.setScene(new Scene(search, 1280, 720));
        stage.show();
    }

    private static Candidate candidate(int id, Candidate.Status status, double loss, long params, double flops) {
        Architecture a = new Architecture(1 + id % 3, 2, 1, 16 * (1 + id), 0, "full", Architecture.Experts.DENSE,
                BlockDesign.Positions.ROPE);
        return new Candidate(id, 0, List.of(0, 0, 0, 0, 0, 0, 0, 0), a, 1 + id, status, status == Candidate.Status.DONE ? 8 : 2,
                loss, List.of(new Candidate.Rung(2, loss + 0.1)), List.of(3.0, 2.9), params, flops, 0.5, 1, "");
    }

    private static final List<Candidate> SET = List.of(
            candidate(0, Candidate.Status.DONE, 3.0, 100, 900),
            candidate(1, Candidate.Status.DONE, 2.5, 300, 800),
            candidate(2, Candidate.Status.HALVED, 3.2, 200, 100),
            candidate(3, Candidate.Status.DONE, 2.7, 400, 700),
            candidate(4, Candidate.Status.TRAINING, Double.NaN, 0, 500));

    @Test
    void pointsFrontHoverAndPick(FxRobot robot) {
        robot.interact(() -> search.show(SET));
        var series = search.scatter.series();
        assertEquals(3, series.size(), "done, halved, front");
        assertEquals(3, series.get(0).x().length);
        assertEquals(1, series.get(1).x().length);
        // by parameters: c0000 (100, 3.0) and c0001 (300, 2.5) are on the front; the staircase has 3 corners
        assertEquals(3, series.get(2).x().length);
        assertEquals(I18n.text("search.axis.params"), search.scatter.xLabel());

        double[] p = search.scatter.position(0, 1); // c0001
        String tip = search.scatter.readout(p[0], p[1]);
        assertTrue(tip.startsWith("c0001") && tip.contains("2.5000") && tip.contains("300"), tip);

        Point2D screen = search.scatter.canvas().localToScreen(p[0], p[1]);
        robot.clickOn(screen);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(search.details.getText().startsWith("c0001"), search.details.getText());
        assertFalse(search.openInExplorer.isDisabled());
        assertEquals(2, search.curve.series().size(), "training and validation curves");

        robot.interact(() -> search.cost.setValue(Costs.Axis.FLOPS));
        assertEquals(I18n.text("search.axis.flops"), search.scatter.xLabel());
        // by FLOPs: c0002 (100, 3.2), c0003 (700, 2.7), c0001 (800, 2.5): 5 staircase corners
        assertEquals(5, search.scatter.series().get(2).x().length);
    }

    @Test
    void aBadBudgetIsRefusedWithItsRange(FxRobot robot) throws Exception {
        robot.interact(() -> search.candidates.field.setText("0"));
        assertNull(WaitForAsyncUtils.asyncFx(search::settings).get(10, TimeUnit.SECONDS));
        assertEquals(I18n.text("search.range", 1, 10_000), search.candidates.error.getText());
    }

    @Test
    void aCancelledSearchStopsAndTheNextRuns(FxRobot robot) throws Exception {
        robot.interact(() -> {
            search.candidates.field.setText("1");
            search.steps.field.setText("2");
            search.task.setValue("copy");
            search.start();
        });
        assertTrue(search.busy());
        robot.interact(search::cancelRun);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !search.busy());
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(search.start.isDisabled(), "Start is back after Cancel");
        assertTrue(search.status.getText().startsWith(I18n.text("search.cancelled", "").substring(0, 5)), search.status.getText());

        robot.interact(search::start);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !search.busy());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, search.shown().size(), search.status.getText());
        assertEquals(Candidate.Status.DONE, search.shown().getFirst().status());
        assertTrue(search.status.getText().startsWith(I18n.text("search.finished", 1, "").substring(0, 10)), search.status.getText());
    }

    /**
     * The picked candidate's details are whole where the window leaves the search little height: at 1280 x 720 below
     * the prompt area (~395 px) and in presentation mode's text (~620 px) they ended in "…", the loss curve below them
     * keeping its height.
     */
    @Test
    void thePickedCandidatesDetailsAreWholeInAShortWorkspace(FxRobot robot) throws Exception {
        StringBuilder problems = new StringBuilder();
        for (double[] size : new double[][] {{395, 13}, {620, 19.5}}) {
            String shown = WaitForAsyncUtils.asyncFx(() -> {
                javafx.scene.layout.Pane holder = new javafx.scene.layout.Pane();
                search.getScene().setRoot(holder);
                search.setManaged(false);
                holder.getChildren().add(search);
                search.setStyle(String.format(java.util.Locale.ROOT, "-fx-font-size: %.1fpx;", size[1]));
                search.resizeRelocate(0, 0, 1280, size[0]);
                search.show(SET);
                search.pick(SET.get(2));
                for (int pass = 0; pass < 3; pass++) {
                    holder.applyCss();
                    holder.layout();
                }
                javafx.scene.Node text = search.details.lookup(".text");
                return text instanceof javafx.scene.text.Text t ? t.getText() : "";
            }).get();
            if (!shown.equals(search.details.getText())) {
                problems.append("\n").append(size[0]).append(" px: ").append(shown);
            }
        }
        assertTrue(problems.isEmpty(), "the details are elided:" + problems);
    }
}
