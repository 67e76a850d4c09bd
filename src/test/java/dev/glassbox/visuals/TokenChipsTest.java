package dev.glassbox.visuals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** Token chips while a run streams in: new tokens are appended, the chips already shown stay. */
@ExtendWith(ApplicationExtension.class)
class TokenChipsTest {
    private TokenChips chips;

    @Start
    void start(Stage stage) {
        chips = new TokenChips();
    }

    private static TokenChips.Chip chip(int id, String text, boolean generated) {
        return new TokenChips.Chip(id, text, generated);
    }

    private String text(int i) {
        return ((Label) chips.getChildren().get(i)).getText();
    }

    @Test
    void aLongerRunKeepsTheChipsShownAndAppendsTheNewOnes(FxRobot robot) {
        var prompt = List.of(chip(5, "Once", false), chip(6, " upon", false));
        robot.interact(() -> chips.setTokens(prompt, 0));
        List<Node> before = List.copyOf(chips.getChildren());
        robot.interact(() -> chips.setTokens(List.of(prompt.get(0), prompt.get(1), chip(7, " a", true), chip(0, "?", true)), 0));
        assertEquals(4, chips.getChildren().size());
        assertSame(before.get(0), chips.getChildren().get(0), "the first chip is the same node");
        assertSame(before.get(1), chips.getChildren().get(1), "the second chip is the same node");
        assertEquals(" a", text(2));
        assertTrue(chips.getChildren().get(2).getStyleClass().contains("chip-generated"));
        assertTrue(chips.getChildren().get(3).getStyleClass().contains(TokenChips.UNKNOWN_STYLE), "id 0 is the unknown token");
    }

    @Test
    void aChangedTokenReplacesTheChipsFromThereOn(FxRobot robot) {
        robot.interact(() -> chips.setTokens(List.of(chip(1, "a", false), chip(2, "b", false), chip(3, "c", false))));
        List<Node> before = List.copyOf(chips.getChildren());
        robot.interact(() -> chips.setTokens(List.of(chip(1, "a", false), chip(9, "x", false))));
        assertEquals(2, chips.getChildren().size(), "the third chip is gone");
        assertSame(before.get(0), chips.getChildren().get(0));
        assertNotSame(before.get(1), chips.getChildren().get(1));
        assertEquals("x", text(1));
    }

    @Test
    void aKeptChipLosesTheLastRunsSurprisalColour(FxRobot robot) {
        var tokens = List.of(chip(1, "a", false), chip(2, "b", true));
        robot.interact(() -> {
            chips.setTokens(tokens);
            chips.colorBySurprisal(new double[] {Double.NaN, 0.25});
        });
        assertTrue(chips.getChildren().get(1).getStyle().contains("background"), "coloured after the run");
        robot.interact(() -> chips.setTokens(tokens));
        assertEquals("", chips.getChildren().get(1).getStyle(), "a new run's chip is not coloured by the old run");
        assertEquals(dev.glassbox.visuals.i18n.I18n.text("chips.baseTip", 2, 1), ((Label) chips.getChildren().get(1)).getTooltip().getText());
    }

    @Test
    void aColouredChipSaysWhatTheModelExpectedThere(FxRobot robot) {
        var tokens = List.of(chip(1, "a", false), chip(2, "b", true), chip(3, "c", true));
        var expected = java.util.Arrays.asList(null,
                new TokenChips.Expected(1.5, List.of("b", ""), new double[] {0.75, 0.125}), null);
        robot.interact(() -> {
            dev.glassbox.visuals.i18n.I18n.setLocale(dev.glassbox.visuals.i18n.I18n.ENGLISH);
            chips.setTokens(tokens);
            chips.colorBySurprisal(new double[] {Double.NaN, 0.75, 0.5}, expected);
        });
        String tip = ((Label) chips.getChildren().get(1)).getTooltip().getText();
        assertTrue(tip.endsWith("\nThe model expected here (entropy 1.50 bits): b 0.750, \u2205 0.125"), tip);
        String none = ((Label) chips.getChildren().get(2)).getTooltip().getText();
        assertEquals(dev.glassbox.visuals.i18n.I18n.text("chips.baseTip", 3, 2) + "\n" + TokenChips.surprisalText(0.5, 1.0), none,
                "a chip without an expectation keeps two lines");
    }
}
