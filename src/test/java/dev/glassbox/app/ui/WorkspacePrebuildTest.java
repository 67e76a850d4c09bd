package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/**
 * After a run, the unopened workspaces are made while the window is idle; opening one then only shows it. A workspace
 * whose tab is not selected is out of the scene graph and comes back with its state.
 */
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
        Node explore = window.explorer;
        robot.interact(() -> {
            window.explorer.grid.select(1, 0);
            window.explorer.grid.requestFocus();
        });
        for (Lazy<? extends Node> l : hidden) {
            assertNull(l.get().getScene(), l.get().getId() + " is made but out of the scene graph while its tab is not selected");
        }
        for (int i = 0; i < 4; i++) {
            Node made = hidden.get(i).get();
            assertNotSame(made, window.workspaces.getTabs().get(i + 1).getContent(), "its tab holds a placeholder");
            int tab = i + 1;
            robot.interact(() -> window.selectWorkspace(tab));
            assertSame(made, window.workspaces.getTabs().get(tab).getContent(), "opening shows the workspace made ahead");
            assertSame(window.getScene(), made.getScene(), "in the scene while shown");
            assertNull(explore.getScene(), "Explore is out of the scene while another workspace is shown");
            if (made instanceof WorkspacePane w) {
                assertSame(window.modelProperty().get(), w.model(), w.getId() + " has the loaded model");
            }
        }
        ContextWorkspace context = window.context.get();
        robot.interact(() -> {
            window.selectWorkspace(2);
            context.passkeyLengths.setText("64,512");
        });
        var skin = context.passkeyLengths.getSkin();
        robot.interact(() -> window.selectWorkspace(0));
        assertNull(context.getScene(), "Context lab leaves the scene when Explore is selected");
        assertSame(window.getScene(), explore.getScene(), "Explore is back");
        assertEquals(1, window.explorer.grid.selectedRow(), "with its selected head kept");
        assertEquals(0, window.explorer.grid.selectedColumn());
        WaitForAsyncUtils.waitForFxEvents();
        assertSame(window.explorer.grid, window.getScene().getFocusOwner(), "and the keys back in the grid it had them in");
        robot.interact(() -> window.selectWorkspace(2));
        assertSame(window.getScene(), context.getScene(), "Context lab is back");
        assertEquals("64,512", context.passkeyLengths.getText(), "with its edits kept");
        assertSame(skin, context.passkeyLengths.getSkin(), "and its controls' skins (restyled, not rebuilt)");
        assertTrue(context.passkeyLengths.getWidth() > 0, "laid out again");
    }
}
