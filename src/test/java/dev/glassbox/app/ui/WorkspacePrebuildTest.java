package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import javafx.scene.Node;
import javafx.stage.Stage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.testing.SharedData;

/** After a run, the unopened workspaces are made while the window is idle; opening one then only shows it. */
@Tag("shared-data")
class WorkspacePrebuildTest extends WindowTestBase {
    @Start
    void start(Stage stage) { show(stage); }

    @Test
    void workspacesAreMadeAheadOnceARunHasFinished(FxRobot robot) throws Exception {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        WindowDriver d = openModel(robot, model);
        List<Lazy<? extends Node>> hidden = List.of(window.heads, window.context, window.routing, window.train, window.walkthrough,
                window.search);
        assertTrue(hidden.stream().noneMatch(Lazy::isMade), "nothing is made before a run has finished");
        d.generate("Once upon a time", 8);
        d.waitFor("the workspaces made ahead", () -> hidden.stream().allMatch(Lazy::isMade));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(0, window.workspaces.getSelectionModel().getSelectedIndex(), "Explore stays shown");
        for (int i = 0; i < 4; i++) {
            Node made = hidden.get(i).get();
            assertSame(made, window.workspaces.getTabs().get(i + 1).getContent(), "in its tab, hidden");
            int tab = i + 1;
            robot.interact(() -> window.selectWorkspace(tab));
            assertSame(made, window.workspaces.getTabs().get(tab).getContent(), "opening shows the workspace made ahead");
            if (made instanceof WorkspacePane w) {
                assertSame(window.modelProperty().get(), w.model(), w.getId() + " has the loaded model");
            }
        }
    }
}
