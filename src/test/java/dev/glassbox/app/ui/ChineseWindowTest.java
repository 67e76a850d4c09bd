package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javafx.scene.control.Tab;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.LanguagePreference;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The window opened in Simplified Chinese shows Chinese tabs, buttons and sampling labels; picking English in the
 * language control switches them live, without a restart, and the choice is remembered for the next start.
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
        assertEquals(List.of("探索", "注意力头", "上下文实验室", "路由", "训练", "逐步演示"), tabTexts());
        assertEquals("生成", window.generate.getText());
        assertEquals("停止", window.stop.getText());
        assertEquals("就绪", window.status.getText());
        assertEquals("温度", robot.lookup(".label").queryAllAs(javafx.scene.control.Label.class).stream()
                .map(javafx.scene.control.Label::getText).filter("温度"::equals).findFirst().orElse(null));
        assertEquals(Optional.empty(), new LanguagePreference(prefs).saved(), "nothing chosen yet");

        robot.clickOn("#languageChoice");
        robot.clickOn("English");
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(List.of("Explore", "Heads", "Context lab", "Routing", "Train", "Walkthrough"), tabTexts());
        assertEquals("Generate", window.generate.getText());
        assertEquals("Ready", window.status.getText());
        assertEquals("Type a prompt, then Ctrl+Enter to generate", window.prompt.prompt.getPromptText());
        assertEquals(Optional.of(I18n.ENGLISH), new LanguagePreference(prefs).saved(), "remembered for the next start");

        robot.clickOn("#languageChoice");
        robot.clickOn("中文");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("生成", window.generate.getText());
        assertEquals(Optional.of(I18n.CHINESE), new LanguagePreference(prefs).saved());
    }
}
