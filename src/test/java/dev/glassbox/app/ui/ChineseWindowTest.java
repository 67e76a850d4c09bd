package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Labeled;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tab;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.LanguagePreference;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The window opened in Simplified Chinese shows Chinese tabs, buttons and sampling labels; picking English in the
 * language control switches them live, without a restart, and the choice is remembered for the next start. Every
 * workspace (Ctrl+1..6) shows no visible text made only of English words, and switching to English and back changes
 * its texts both ways.
 */
class ChineseWindowTest extends WindowTestBase {
    ChineseWindowTest() {
        super(1700, 700);
    }

    @Override
    Locale locale() {
        return I18n.CHINESE;
    }

    @Start
    void start(Stage stage) {
        show(stage);
    }

    private List<String> tabTexts() {
        return window.workspaces.getTabs().stream().map(Tab::getText).toList();
    }

    @Test
    void showsChineseAndSwitchesToEnglishLive(FxRobot robot) {
        assertEquals(List.of("探索", "注意力头", "上下文实验室", "路由", "训练", "逐步演示", "搜索"), tabTexts());
        assertEquals("生成", window.generate.getText());
        assertEquals("停止", window.stop.getText());
        assertEquals("就绪", window.status.getText());
        assertEquals("温度", robot.lookup(".label").queryAllAs(javafx.scene.control.Label.class).stream()
                .map(javafx.scene.control.Label::getText).filter("温度"::equals).findFirst().orElse(null));
        assertEquals(Optional.empty(), new LanguagePreference(prefs).saved(), "nothing chosen yet");

        robot.clickOn("#languageChoice");
        robot.clickOn("English");
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(List.of("Explore", "Heads", "Context lab", "Routing", "Train", "Walkthrough", "Search"), tabTexts());
        assertEquals("Generate", window.generate.getText());
        assertEquals("Ready", window.status.getText());
        assertEquals("Type a prompt, then Ctrl+Enter to generate", window.prompt.prompt.getPromptText());
        // a choice box shows its value's name as rendered when picked: it must be rendered again in English
        var scale = window.explorer.head.scale;
        assertEquals(I18n.text("scale.short." + scale.getValue().name().toLowerCase(java.util.Locale.ROOT)),
                ((javafx.scene.control.Labeled) scale.lookup(".label")).getText(), "the head view's colour scale shown in English");
        assertEquals(Optional.of(I18n.ENGLISH), new LanguagePreference(prefs).saved(), "remembered for the next start");

        robot.clickOn("#languageChoice");
        robot.clickOn("中文");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("生成", window.generate.getText());
        assertEquals(Optional.of(I18n.CHINESE), new LanguagePreference(prefs).saved());
    }

    /** Letters of English words (two or more) and CJK ideographs. */
    private static final Pattern LATIN_WORD = Pattern.compile("[A-Za-z]{2,}");
    private static final Pattern CJK = Pattern.compile("\\p{IsHan}");
    /**
     * Texts that stay the same in Chinese: names (models, model families, the language's own name), symbols and
     * units, and the command line's syntax the controls show (task, method, policy, metric and layer names).
     */
    private static final Pattern ALLOWED = Pattern.compile(
            "MiniLM|English|Glassbox|Llama|GPT-2|L\\d+H\\d+|H\\d+|E\\d+|Top-[pk]|top-k|Ctrl|Esc|Enter|KL|NLL|GFLOPs|KV|MB"
                    + "|induction|full|sliding:\\S*|streaming:\\S*|yarn:\\S*|stochastic-depth:\\S*|js|none"
                    + "|rms|swiglu|rope|topk|learned|layer|gelu|[a-z]+:[^\\s]*");

    /** Visible texts of the window that contain an English word and no Chinese character. */
    private List<String> englishOnly() {
        List<String> out = new ArrayList<>();
        for (String t : visibleTexts(window)) {
            String rest = ALLOWED.matcher(t).replaceAll(" ");
            if (LATIN_WORD.matcher(rest).find() && !CJK.matcher(t).find()) out.add(t);
        }
        for (Tab tab : window.workspaces.getTabs()) {
            if (!CJK.matcher(tab.getText()).find()) out.add("tab " + tab.getText());
        }
        return out;
    }

    /** Texts of the shown Labeled controls (buttons, labels, check boxes, column headers) and menu items. */
    private static List<String> visibleTexts(Node node) {
        List<String> out = new ArrayList<>();
        if (!node.isVisible()) return out;
        if (node instanceof Labeled l && l.getText() != null && !l.getText().isBlank()) out.add(l.getText());
        if (node instanceof MenuButton mb) {
            for (MenuItem it : mb.getItems()) if (it.getText() != null) out.add(it.getText());
        }
        if (node instanceof Parent p) {
            for (Node child : p.getChildrenUnmodifiable()) out.addAll(visibleTexts(child));
        }
        return out;
    }

    private void showWorkspace(FxRobot robot, int n) {
        KeyCode digit = KeyCode.valueOf("DIGIT" + n);
        robot.press(KeyCode.CONTROL, digit).release(digit, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(n - 1, window.workspaces.getSelectionModel().getSelectedIndex(), "Ctrl+" + n);
    }

    private void pickLanguage(FxRobot robot, String name) {
        robot.clickOn("#languageChoice");
        robot.clickOn(name);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void everyWorkspaceShowsChineseAndFollowsTheSwitch(FxRobot robot) {
        List<List<String>> chinese = new ArrayList<>();
        for (int n = 1; n <= 6; n++) {
            showWorkspace(robot, n);
            assertEquals(List.of(), englishOnly(), "workspace " + n + " in Chinese");
            chinese.add(visibleTexts(window));
        }
        pickLanguage(robot, "English");
        for (int n = 1; n <= 6; n++) {
            showWorkspace(robot, n);
            List<String> english = visibleTexts(window);
            assertNotEquals(chinese.get(n - 1), english, "workspace " + n + " changed to English");
            assertEquals(List.of(), english.stream().filter(t -> CJK.matcher(t).find()).toList(),
                    "workspace " + n + " in English still shows Chinese");
        }
        pickLanguage(robot, "中文");
        for (int n = 1; n <= 6; n++) {
            showWorkspace(robot, n);
            assertEquals(List.of(), englishOnly(), "workspace " + n + " back in Chinese");
        }
    }
}
