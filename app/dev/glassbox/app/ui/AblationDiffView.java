package dev.glassbox.app.ui;

import java.util.Locale;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

import dev.glassbox.engine.analysis.heads.EncoderHeads;
import dev.glassbox.engine.analysis.heads.HeadAblation;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.visuals.i18n.I18n;

/**
 * What the ablated heads changed on the prompt: a decoder's top next tokens after the prompt, clean beside
 * ablated with probabilities (a changed rank marked ≠, exact numbers in tooltips), the loss and KL; an
 * encoder's hidden-state change and sentence-embedding cosine. Hidden when nothing is ablated.
 */
final class AblationDiffView extends VBox {
    final Label summary = new Label();
    private final GridPane table = new GridPane();
    private Label[][] cells = new Label[0][];

    AblationDiffView() {
        super(2);
        setId("ablationDiff");
        summary.setId("ablationSummary");
        summary.setWrapText(true);
        // the tabs below take the remaining height; these two lines and the table keep theirs
        summary.setMinHeight(USE_PREF_SIZE);
        setMinHeight(USE_PREF_SIZE);
        table.setHgap(10);
        setPadding(new Insets(4, 6, 4, 6));
        setStyle("-fx-border-color: #5d4a2e; -fx-border-width: 0 0 2 0;");
        getChildren().addAll(summary, table);
        managedProperty().bind(visibleProperty());
        setVisible(false);
    }

    /** Shows {@code o} (null hides the view). */
    void show(Tokenizer tok, HeadSet.Outcome o) {
        table.getChildren().clear();
        cells = new Label[0][];
        setVisible(o != null);
        switch (o) {
            case null -> summary.setText("");
            case EncoderHeads.SetChange c -> summary.setText(I18n.text("ablation.encoderSummary",
                    c.set().label(), mode(c.set()), c.hiddenChange(), c.embeddingCosine()));
            case HeadAblation.SetEffect e -> showEffect(tok, e);
        }
    }

    private void showEffect(Tokenizer tok, HeadAblation.SetEffect e) {
        summary.setText(I18n.text("ablation.decoderSummary",
                e.set().label(), mode(e.set()), e.cleanLoss(), e.loss(), e.lossIncrease(), e.klLast()));
        String[] head = {"#", I18n.text("ablation.clean"), "p", "", I18n.text("ablation.ablated"), "p"};
        for (int c = 0; c < head.length; c++) {
            Label l = new Label(head[c]);
            l.getStyleClass().add("grid-header");
            table.add(l, c, 0);
        }
        int n = e.before().ids().length;
        cells = new Label[n][];
        for (int i = 0; i < n; i++) {
            int b = e.before().ids()[i];
            int a = e.after().ids()[i];
            Label clean = new Label(tok.display(b));
            clean.setTooltip(new Tooltip(I18n.text("ablation.cleanTip",
                    tok.display(b), b, e.before().probabilities()[i], e.beforeIdsAfter()[i])));
            Label ablated = new Label(tok.display(a));
            ablated.setTooltip(new Tooltip(I18n.text("ablation.ablatedTip",
                    tok.display(a), a, e.after().probabilities()[i], e.set().label())));
            Label mark = new Label(a == b ? "" : "\u2260");
            if (a != b) {
                ablated.setStyle("-fx-font-weight: bold;");
            }
            cells[i] = new Label[] {clean, ablated};
            table.addRow(i + 1, new Label((i + 1) + "."), clean, probability(e.before().probabilities()[i]), mark,
                    ablated, probability(e.after().probabilities()[i]));
        }
    }

    private static Label probability(double p) {
        Label l = new Label(String.format(Locale.ROOT, p != 0 && p < 1e-3 ? "%.2e" : "%.4f", p));
        l.setTooltip(new Tooltip(String.format(Locale.ROOT, "%.8f", p)));
        return l;
    }

    private static String mode(HeadSet s) {
        return s.mode().name().toLowerCase(Locale.ROOT);
    }

    /** The token shown at {@code rank} (0-based): clean, or with the heads ablated. */
    String token(int rank, boolean ablated) {
        return cells[rank][ablated ? 1 : 0].getText();
    }

    int rows() { return cells.length; }
}
