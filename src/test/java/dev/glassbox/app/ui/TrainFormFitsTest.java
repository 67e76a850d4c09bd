package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.ScrollPane;
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
 * Train's settings form at presentation mode's text size (1.5 x) on a 1280 x 720 projector, and at the normal size,
 * in English and Chinese: the form is as wide as its widest row, so nothing in it is cut on the right and it never
 * scrolls sideways (at 1280 x 720 it was cut at "causal (next" and "attention-o…" and scrolled sideways).
 * The probe row's label above the grid keeps to one line (its tooltip has all of it). The workspace is laid out at each size in a holder, as the window lays it out below the tabs (presentation mode
 * hides the prompt block and the status bar: ~45 px of tabs at 1.5 x).
 */
@ExtendWith(ApplicationExtension.class)
class TrainFormFitsTest {
    private TrainWorkspace train;

    @Start
    void start(Stage stage) {
        train = new TrainWorkspace(m -> { }, (dir, prompt) -> { });
        train.setManaged(false);
        Pane holder = new Pane(train);
        StyledHolder.show(stage, holder, 400, 300);
    }

    @AfterEach
    void english() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> I18n.setLocale(I18n.ENGLISH)).get();
    }

    @Test
    void theFormFitsItsPaneWithoutScrollingSidewaysAtPresentationSize() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Locale locale : List.of(I18n.ENGLISH, I18n.CHINESE)) {
            for (double[] size : new double[][] {{1280, 675, 1.5}, {1920, 1035, 1.5}, {1280, 560, 1}}) {
                WaitForAsyncUtils.asyncFx(() -> {
                    I18n.setLocale(locale);
                    train.probeLabel.setText(I18n.text("train.probe", 32, "<s>ufmzselwsugmvufmzselwsugmvufmzs"));
                    train.setStyle(String.format(Locale.ROOT, "-fx-font-size: %.1fpx;", MainWindow.BASE_FONT_PX * size[2]));
                    train.resizeRelocate(0, 0, size[0], size[1]);
                    for (int pass = 0; pass < 3; pass++) {
                        train.applyCss();
                        train.layout();
                    }
                    problems.addAll(check(String.format(Locale.ROOT, "%s %.0fx%.0f text x%.1f", locale, size[0], size[1], size[2])));
                }).get();
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private List<String> check(String state) {
        List<String> problems = new ArrayList<>();
        double line = train.probeLabel.getFont().getSize() * 1.6;
        if (train.probeLabel.getHeight() > line + 4) { // + its padding
            problems.add(state + ": the probe row's label takes " + Math.round(train.probeLabel.getHeight()) + " px");
        }
        if (!train.probeLabel.getText().equals(train.probeLabel.getTooltip().getText())) {
            problems.add(state + ": the probe row's tooltip does not have the whole label");
        }
        ScrollPane form = train.formScroll;
        Node content = form.getContent();
        Bounds viewport = form.getViewportBounds();
        if (content.getLayoutBounds().getWidth() > viewport.getWidth() + 1) {
            problems.add(state + ": the form is " + Math.round(content.getLayoutBounds().getWidth()) + " px wide in a "
                    + Math.round(viewport.getWidth()) + " px pane: it scrolls sideways");
        }
        Bounds shown = form.localToScene(form.getLayoutBounds());
        double right = shown.getMaxX() - (form.getWidth() - viewport.getWidth()) + 2; // the viewport's right edge
        for (Node n : List.of(train.task, train.chooseFile, train.objective, train.attentionOnly, train.tied,
                train.options, train.layers.field, train.seed.field)) {
            Bounds b = n.localToScene(n.getLayoutBounds());
            if (b.getMaxX() > right) { // under the vertical scroll bar or beyond the pane
                problems.add(state + ": " + n.getId() + " ends at x = " + Math.round(b.getMaxX()) + ", the form's view at "
                        + Math.round(right));
            }
        }
        double rest = train.getWidth() - shown.getWidth();
        if (rest < train.getWidth() * 0.5) {
            problems.add(state + ": the views keep " + Math.round(rest) + " px of " + Math.round(train.getWidth()));
        }
        return problems;
    }
}
