package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

/**
 * A table's column names wrap onto more lines instead of ending in "…": in presentation mode at 1280 x 720 Routing's
 * "Skip each layer" table read "skipped l…", "mean KL(…", "NLL skip …" and "NLL full (…".
 */
class TableHeadersWrapTest extends WindowTestBase {
    TableHeadersWrapTest() {
        super(1280, 720);
    }

    @Start
    void start(Stage stage) {
        show(stage);
    }

    @Test
    void routingSkipTableNamesAreShownWhole(FxRobot robot) {
        robot.interact(() -> window.selectWorkspace(3));
        List<String> cut = new ArrayList<>();
        atNormalAndPresentationTextSize(robot, scale -> {
            Set<Node> labels = window.lookupAll("#routingSkips .column-header .label");
            if (labels.isEmpty()) {
                cut.add("no column headers shown at " + scale + "x");
            }
            for (Node n : labels) {
                Label l = (Label) n;
                if (l.isTextTruncated()) {
                    cut.add("'" + l.getText() + "' at " + scale + "x");
                }
            }
        });
        assertTrue(cut.isEmpty(), "cut: " + cut);
    }
}
