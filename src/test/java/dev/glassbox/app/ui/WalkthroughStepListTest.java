package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The walkthrough's step list shows every step title whole in a 1280 x 720 window, in English and Chinese: at a
 * quarter of the width it cut "L0 · MLP: activation" and most Chinese titles ("L0 · 乘以 1/√d 缩放").
 */
class WalkthroughStepListTest extends WindowTestBase {
    WalkthroughStepListTest() {
        super(1280, 720, ModelCatalog::discover);
    }

    @Start
    void start(Stage stage) { show(stage); }

    @Test
    void everyStepTitleIsWholeInTheList(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        WalkthroughWorkspace w = window.walkthrough.get();
        robot.interact(() -> window.selectWorkspace(5));
        List<String> problems = new ArrayList<>();
        for (java.util.Locale locale : new java.util.Locale[] {I18n.ENGLISH, I18n.CHINESE}) {
            int before = w.runsDoneProperty().get();
            robot.interact(() -> {
                I18n.setLocale(locale);
                w.runNow();
            });
            d.waitFor("the walkthrough", () -> w.runsDoneProperty().get() > before);
            WaitForAsyncUtils.asyncFx(() -> {
                TreeView<?> list = (TreeView<?>) window.lookup("#walkthroughSteps");
                list.getRoot().getChildren().forEach(i -> i.setExpanded(true));
                window.applyCss();
                window.layout();
                Bounds view = list.localToScene(list.getLayoutBounds());
                for (Node n : list.lookupAll(".tree-cell")) {
                    if (n instanceof TreeCell<?> c && c.isVisible() && c.getText() != null && !c.getText().isEmpty()) {
                        Node text = c.lookup(".text");
                        Bounds b = text.localToScene(text.getLayoutBounds());
                        if (b.getMaxX() > view.getMaxX() - 14) { // the vertical scroll bar
                            problems.add(locale + ": \"" + c.getText() + "\" ends at " + b.getMaxX() + " of " + view);
                        }
                    }
                }
            }).get();
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
