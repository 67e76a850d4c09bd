package dev.glassbox.app.ui;

import java.util.Locale;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

import dev.glassbox.app.service.IdleText;
import dev.glassbox.engine.train.EncoderListener;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The live MLM panel of the Train workspace: one training example as the encoder saw it (masked positions marked) and,
 * per masked position, what the input showed, the original token and the model's top predictions with their
 * probabilities (a right guess in bold). The view is built on the training thread; this only lays it out.
 */
final class MaskedPredictionsView extends BorderPane {
    private final Label title = new Label();
    private final FlowPane tokens = new FlowPane(2, 2);
    private final GridPane table = new GridPane();

    MaskedPredictionsView() {
        setId("trainMasked");
        IdleText.show(title.textProperty(), "train.maskedIdle");
        title.getStyleClass().add("view-title");
        title.setWrapText(true);
        title.setPadding(new Insets(2, 4, 2, 4));
        tokens.setPadding(new Insets(4));
        table.setHgap(10);
        table.setVgap(2);
        table.setPadding(new Insets(4));
        table.setId("trainMaskedTable");
        setTop(title);
        ScrollPane scroll = new ScrollPane(new VBox(6, tokens, table));
        scroll.setFitToWidth(true);
        setCenter(scroll);
    }

    /** Shows {@code v} (null clears the panel back to its idle text). */
    void show(EncoderListener.MaskedView v) {
        tokens.getChildren().clear();
        table.getChildren().clear();
        if (v == null) {
            IdleText.show(title.textProperty(), "train.maskedIdle");
            return;
        }
        title.textProperty().unbind();
        title.setText(I18n.text("train.maskedTitle", v.predictions().size()));
        boolean[] masked = new boolean[v.tokens().size()];
        for (EncoderListener.Prediction p : v.predictions()) masked[p.position()] = true;
        for (int i = 0; i < v.tokens().size(); i++) {
            Label t = new Label(v.tokens().get(i));
            t.setStyle(masked[i] ? "-fx-font-weight: bold; -fx-text-fill: black; -fx-background-color: #ffe08a; -fx-padding: 0 2 0 2;"
                    : "-fx-padding: 0 2 0 2;");
            tokens.getChildren().add(t);
        }
        int r = 0;
        table.addRow(r++, header("train.maskedPosition"), header("train.maskedShown"), header("train.maskedOriginal"),
                header("train.maskedPredictions"));
        for (EncoderListener.Prediction p : v.predictions()) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < p.candidates().size(); k++) {
                sb.append(k == 0 ? "" : "   ").append(p.candidates().get(k))
                        .append(String.format(Locale.ROOT, " %.2f", p.probabilities()[k]));
            }
            Label guesses = new Label(sb.toString());
            if (!p.candidates().isEmpty() && p.candidates().getFirst().equals(p.original())) {
                guesses.setStyle("-fx-font-weight: bold;");
            }
            table.addRow(r++, new Label(Integer.toString(p.position())), new Label(p.shown()), new Label(p.original()),
                    guesses);
        }
    }

    private static Label header(String key) {
        Label l = Texts.label(key);
        l.getStyleClass().add("grid-header");
        return l;
    }
}
