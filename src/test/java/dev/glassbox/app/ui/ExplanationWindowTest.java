package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.HeadsAnalysis;
import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.testing.TinyLlama2c;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Every workspace's "What am I seeing?" toggle shows its explanation in the current language (English, then Chinese),
 * F1 toggles the shown workspace's, and the Heads pickers and the metric columns show display names, not ids.
 */
class ExplanationWindowTest extends WindowTestBase {
    private static Path dir;

    @BeforeAll
    static void writeModel() throws Exception {
        dir = Files.createTempDirectory("glassbox-explain");
        TinyLlama2c.write(dir.resolve("tiny"), 5);
    }

    ExplanationWindowTest() {
        super(1280, 720);
    }

    @Start
    void start(Stage stage) {
        show(stage);
    }

    @Override
    ModelCatalog catalog() {
        return new ModelCatalog(ModelCatalog.scan(dir.resolve("tiny")));
    }

    private Explanation shownExplanation() {
        if (window.workspaces.getSelectionModel().getSelectedIndex() == 0) {
            return window.explorer.explanation();
        }
        return ((Explanation.Explained) window.workspaces.getSelectionModel().getSelectedItem().getContent()).explanation();
    }

    private static boolean hasHan(String s) {
        return s.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN);
    }

    @Test
    void everyWorkspaceExplainsItselfInTheCurrentLanguage(FxRobot robot) throws Exception {
        int tabs = window.workspaces.getTabs().size();
        assertEquals(7, tabs, "Explore, Heads, Context lab, Routing, Train, Walkthrough, Search");
        List<Explanation> panels = new ArrayList<>();
        List<String> english = new ArrayList<>();
        for (int i = 0; i < tabs; i++) {
            int index = i;
            robot.interact(() -> window.selectWorkspace(index));
            Explanation e = shownExplanation();
            assertFalse(e.isVisible(), "hidden until asked, tab " + i);
            robot.clickOn(e.toggle());
            WaitForAsyncUtils.waitForFxEvents();
            assertTrue(e.isVisible() && e.shown(), "the toggle shows the panel, tab " + i);
            assertTrue(e.getWidth() > 150 && e.getHeight() > 150, "the panel has room, tab " + i + ": " + e.getWidth() + " x " + e.getHeight());
            String text = e.text();
            for (String key : e.keys()) {
                assertFalse(I18n.text(key).isBlank(), key);
                assertTrue(text.contains(I18n.text(key)), "shown: " + key);
            }
            assertTrue(text.length() > 200, "a real explanation, tab " + i + ": " + text);
            panels.add(e);
            english.add(text);
        }
        WaitForAsyncUtils.asyncFx(() -> I18n.setLocale(I18n.CHINESE)).get();
        WaitForAsyncUtils.waitForFxEvents();
        for (int i = 0; i < tabs; i++) {
            Explanation e = panels.get(i);
            String chinese = e.text();
            assertNotEquals(english.get(i), chinese, "tab " + i);
            assertTrue(hasHan(chinese), "Chinese text, tab " + i + ": " + chinese);
            for (String key : e.keys()) {
                assertTrue(chinese.contains(I18n.text(key)), "shown in Chinese: " + key);
            }
        }
        WaitForAsyncUtils.asyncFx(() -> I18n.setLocale(I18n.ENGLISH)).get();
        robot.clickOn(panels.get(tabs - 1).toggle()); // the last tab is the one shown
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(panels.get(tabs - 1).isVisible(), "the toggle hides it again");
    }

    @Test
    void f1TogglesTheShownWorkspacesExplanation(FxRobot robot) {
        robot.interact(() -> window.selectWorkspace(1));
        Explanation heads = shownExplanation();
        robot.clickOn("#promptField");
        robot.type(KeyCode.F1);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(heads.isVisible(), "F1 shows the Heads explanation");
        assertFalse(window.explorer.explanation().isVisible(), "and only that one");
        assertFalse(heads.text().isBlank());
        robot.type(KeyCode.F1);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(heads.isVisible(), "F1 again hides it");
        robot.interact(() -> window.selectWorkspace(0));
        robot.type(KeyCode.F1);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(window.explorer.explanation().isVisible(), "F1 in Explore shows its explanation");
        assertTrue(window.explorer.getItems().contains(window.explorer.explanation()), "as a column of its own");
    }

    @Test
    void headsPickersShowDisplayNamesAndTheirDefinitions(FxRobot robot) throws Exception {
        robot.interact(() -> window.selectWorkspace(1));
        HeadsWorkspace ws = window.heads();
        assertEquals("js", ws.metric.getValue(), "the id stays the data");
        assertEquals(HeadsAnalysis.METRICS, ws.metric.getItems());
        Label shown = (Label) ws.metric.lookup(".label");
        assertEquals(I18n.text("metric.js.name"), shown.getText());
        assertTrue(shown.getText().startsWith("Jensen"), shown.getText());
        assertEquals(I18n.text("metric.js.name") + ": " + I18n.text("metric.js.definition"), ws.metric.getTooltip().getText());
        robot.interact(() -> ws.metric.setValue("qk_cosine"));
        assertEquals(I18n.text("metric.qk_cosine.name"), ((Label) ws.metric.lookup(".label")).getText());
        assertTrue(ws.metric.getTooltip().getText().contains(I18n.text("metric.qk_cosine.definition")));
        assertEquals(I18n.text("metric.previous-token.name"), ((Label) ws.role.lookup(".label")).getText());
        robot.interact(() -> ws.role.setValue("prefix matching"));
        assertEquals(I18n.text("metric.prefix_matching.name"), ((Label) ws.role.lookup(".label")).getText());

        WaitForAsyncUtils.asyncFx(() -> I18n.setLocale(I18n.CHINESE)).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(I18n.text("metric.qk_cosine.name"), ((Label) ws.metric.lookup(".label")).getText(), "follows the language");
        assertTrue(hasHan(ws.metric.getTooltip().getText()));
        WaitForAsyncUtils.asyncFx(() -> I18n.setLocale(I18n.ENGLISH)).get();
    }

    @Test
    void metricColumnsShowDisplayNames(FxRobot robot) {
        robot.interact(() -> window.selectWorkspace(2));
        List<String> cost = window.context().cost.getColumns().stream().skip(1).map(ExplanationWindowTest::header).toList();
        assertEquals(List.of(I18n.text("metric.kv_mb.name"), I18n.text("metric.attention_gflops.name"), I18n.text("metric.peak_kv.name"),
                I18n.text("metric.tokens_per_s.name"), I18n.text("metric.ppl.name")), cost);
        robot.interact(() -> window.selectWorkspace(3));
        List<String> skips = window.routing().skipTable.getColumns().stream().skip(1).map(ExplanationWindowTest::header).toList();
        assertEquals(List.of(I18n.text("metric.kl_skip.name"), I18n.text("metric.nll_skip.name"), I18n.text("metric.nll_full.name")), skips);
    }

    private static String header(TableColumn<?, ?> c) {
        return ((Label) c.getGraphic()).getText();
    }
}
