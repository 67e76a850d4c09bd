package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.TextField;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Pane;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.visuals.i18n.I18n;

/**
 * A field's name stays on the row of its field when a tool row or the search form wraps: in presentation mode at
 * 1280 x 720 the Context lab's "depths" and the search's "Minutes" ended one row and their fields began the next.
 */
@ExtendWith(ApplicationExtension.class)
class ToolRowPairsTest {
    private SearchWorkspace search;
    private Label depths;
    private TextField depthsField;
    private Label status;
    private FlowPane row;
    private Pane holder;

    @Start
    void start(Stage stage) {
        search = new SearchWorkspace(e -> { }, dir -> { });
        depths = new Label("depths");
        depthsField = new TextField("3");
        status = new Label("a status text that is long enough to wrap");
        holder = new Pane();
        search.setManaged(false);
        row = ToolRow.of(new Label("max tokens"), new TextField("256"), new Label("passkey lengths"),
                new TextField("128,256"), depths, depthsField, status, new Separator());
        row.setManaged(false);
        holder.getChildren().addAll(search, row);
        StyledHolder.show(stage, holder, 400, 300);
    }

    @AfterEach
    void english() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> I18n.setLocale(I18n.ENGLISH)).get();
    }

    @Test
    void namesWrapWithTheirFieldsAtPresentationSize() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Locale locale : List.of(I18n.ENGLISH, I18n.CHINESE)) {
            for (double width : new double[] {1280, 1000, 700, 560, 420}) {
                WaitForAsyncUtils.asyncFx(() -> {
                    I18n.setLocale(locale);
                    holder.setStyle(String.format(Locale.ROOT, "-fx-font-size: %.1fpx;", MainWindow.BASE_FONT_PX * 1.5));
                    search.resizeRelocate(0, 0, width, 700);
                    row.resizeRelocate(0, 0, width, row.prefHeight(width));
                    for (int pass = 0; pass < 3; pass++) {
                        holder.applyCss();
                        holder.layout();
                        row.resize(width, row.prefHeight(width));
                    }
                    String state = locale + " " + Math.round(width) + " px";
                    for (SettingField f : List.of(search.candidates, search.steps, search.minutes, search.seed)) {
                        sameRow(state, f.name, f.field, problems);
                    }
                    sameRow(state, depths, depthsField, problems);
                }).get();
            }
        }
        assertTrue(!(status.getParent() instanceof javafx.scene.layout.HBox), "a status text followed by a separator is no name");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static void sameRow(String state, Node name, Node field, List<String> problems) {
        Bounds n = name.localToScene(name.getLayoutBounds());
        Bounds f = field.localToScene(field.getLayoutBounds());
        double nc = (n.getMinY() + n.getMaxY()) / 2, fc = (f.getMinY() + f.getMaxY()) / 2;
        if (Math.abs(nc - fc) > 6 || n.getMaxX() > f.getMinX()) {
            problems.add(state + ": \"" + ((Label) name).getText() + "\" at " + Math.round(n.getMinX()) + ","
                    + Math.round(nc) + ", its field at " + Math.round(f.getMinX()) + "," + Math.round(fc));
        }
    }
}
