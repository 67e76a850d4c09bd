package dev.glassbox.app.ui;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import dev.glassbox.visuals.i18n.I18n;

import dev.glassbox.engine.analysis.TokenSurprisal;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.visuals.SurprisalLegend;
import dev.glassbox.visuals.TokenChips;

/** The prompt editor, the prompt (and then the output) as token chips, and the decoded output text. */
final class PromptPane extends VBox {
    final TextArea prompt = new TextArea("Once upon a time");
    final TokenChips chips = new TokenChips();
    final Label output = new Label();
    final SurprisalLegend legend = new SurprisalLegend();
    /** How much of the prompt the vocabulary misses (hidden when it covers all of it). */
    final Label unknownWarning = new Label();
    final ScrollPane chipScroll = new ScrollPane(chips);
    /** The decoded output; shown once there is one. */
    final ScrollPane outputScroll = new ScrollPane(output);
    /** The most the chips and the output take before they scroll (px). */
    static final double CHIPS_HEIGHT = 52, OUTPUT_HEIGHT = 40;

    PromptPane() {
        super(4);
        setPadding(new Insets(4, 6, 4, 6));
        prompt.setId("promptField");
        prompt.setPrefRowCount(2);
        prompt.setWrapText(true);
        prompt.promptTextProperty().bind(I18n.bind("main.promptText"));
        chips.setId("tokenChips");
        output.setId("outputText");
        output.setWrapText(true);
        chipScroll.setId("chipScroll");
        chipScroll.setFitToWidth(true);
        chipScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER); // its bar took a row's height under one row of chips
        chipScroll.setPrefViewportHeight(CHIPS_HEIGHT);
        chipScroll.setMaxHeight(80);
        chipScroll.setMinHeight(Region.USE_PREF_SIZE); // a scroll pane's least height (its bar's arrows) is two rows
        outputScroll.setId("outputScroll");
        outputScroll.setFitToWidth(true);
        outputScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        outputScroll.setPrefViewportHeight(OUTPUT_HEIGHT);
        outputScroll.setMaxHeight(64);
        outputScroll.setMinHeight(Region.USE_PREF_SIZE);
        // no room for an output not written yet: at 1280 x 720 the empty box took ~45 px from the views
        outputScroll.visibleProperty().bind(output.textProperty().isNotEmpty());
        outputScroll.managedProperty().bind(outputScroll.visibleProperty());
        fitToContent(outputScroll, output, OUTPUT_HEIGHT);
        fitToContent(chipScroll, chips, CHIPS_HEIGHT);
        legend.setId("surprisalLegend");
        legend.managedProperty().bind(legend.visibleProperty());
        legend.setVisible(false);
        unknownWarning.setId("unknownWarning");
        unknownWarning.getStyleClass().add("unknown-warning");
        unknownWarning.setWrapText(true);
        unknownWarning.managedProperty().bind(unknownWarning.visibleProperty());
        unknownWarning.setVisible(false);
        getChildren().addAll(prompt, legend, unknownWarning, chipScroll, outputScroll);
    }

    /**
     * Keeps {@code box} as tall as its {@code content} (one row of chips: one row), up to {@code most} px before it
     * scrolls, with the newest text in view while a run streams in. Set after the layout pass that changed the
     * content's height: set within it, the new height did not reach the prompt block around (it kept the old one,
     * empty below the chips).
     */
    private static void fitToContent(ScrollPane box, Region content, double most) {
        content.heightProperty().addListener((o, a, b) -> Platform.runLater(() -> {
            double h = content.getHeight();
            box.setPrefViewportHeight(h > 0 ? Math.min(most, Math.ceil(h)) : most);
            box.setVvalue(1.0);
        }));
    }

    /** Shows {@code ids} as chips, the ones from {@code generatedFrom} on marked as generated. */
    void showTokens(Tokenizer tok, int[] ids, int generatedFrom) {
        List<TokenChips.Chip> list = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            list.add(new TokenChips.Chip(ids[i], tok.display(ids[i]), i >= generatedFrom));
        }
        chips.setTokens(list, tok.unk());
        output.setText(generatedFrom < ids.length ? tok.decode(ids) : "");
        legend.setVisible(false);
    }

    /** Shows {@code text} as the unknown-token warning ({@code null}: hides it). */
    void showUnknownWarning(String text) {
        unknownWarning.setText(text == null ? "" : text);
        unknownWarning.setVisible(text != null);
    }

    /** Colours the chips now shown by each token's surprisal under the model (decoder runs only). */
    void showSurprisal(Optional<TokenSurprisal.Result> result, List<TokenChips.Expected> expected) {
        result.ifPresent(r -> {
            double[] p = new double[chips.getChildren().size()];
            Arrays.fill(p, Double.NaN);
            for (TokenSurprisal.Scored s : r.tokens()) {
                if (s.position() < p.length) {
                    p[s.position()] = s.probability();
                }
            }
            chips.colorBySurprisal(p, expected);
            legend.setVisible(true);
        });
    }
}
