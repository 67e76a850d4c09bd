package dev.glassbox.app.ui;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;

import dev.glassbox.app.service.ExactCells;
import dev.glassbox.app.service.GridContent;
import dev.glassbox.app.service.LatestOnlyExecutor;
import dev.glassbox.engine.analysis.TokenSurprisal;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.visuals.AttentionGrid;
import dev.glassbox.visuals.AttentionHeatmap;
import dev.glassbox.visuals.AttentionLines;
import dev.glassbox.visuals.AttentionMatrix;
import dev.glassbox.visuals.LensTable;
import dev.glassbox.visuals.LogitLensView;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The grid of all heads on the left; the opened head (heat map, lines) and the logit lens on the right, under
 * the clean-vs-ablated diff while heads are ablated.
 */
final class ExplorerPane extends SplitPane implements Explanation.Explained {
    /** The lens table shows a run's last positions only: each costs layers x vocab x dim to read out. */
    static final int LENS_POSITIONS = 24;
    final AttentionGrid grid = new AttentionGrid();
    final HeadView head;
    final AttentionLines lines = new AttentionLines();
    final LogitLensView lens = new LogitLensView();
    final TabPane tabs = new TabPane();
    final Tab headTab;
    final Label sequenceLogProb = new Label();
    /** Why the lens is empty for the loaded model (an encoder has none); hidden when it has one. */
    final Label lensNote = new Label();
    /** Clean vs ablated next-token predictions while heads are ablated. */
    final AblationDiffView ablationDiff = new AblationDiffView();
    final Explanation explanation = new Explanation("explore", "tokens", "surprisal", "grid", "heatmap", "lines", "lens");
    private int openRow = -1;
    private int openCol = -1;
    /** The grid's content shown last: a long run's cells are tiles, its heads' exact patterns come from it. */
    private GridContent content;
    /** Recomputes an opened head's exact pattern; only the newest request's is shown ({@link #exactRequest}, FX thread). */
    private final LatestOnlyExecutor exactBuilder;
    private long exactRequest;

    ExplorerPane(Consumer<String> onError, HeadView.ExportShown onExport) {
        head = new HeadView(onError, onExport);
        exactBuilder = new LatestOnlyExecutor("glassbox-exact-head", e -> javafx.application.Platform.runLater(
                () -> onError.accept(I18n.text("heads.patternFailed", String.valueOf(e.getMessage())))));
        lensNote.setVisible(false);
        grid.setId("attentionGrid");
        lens.setId("logitLens");
        BorderPane left = GridPanes.withKeyUnder(grid, "gridLegend");
        Label hint = Texts.label("explore.gridHint");
        hint.setPadding(new Insets(4));
        left.setTop(new javafx.scene.layout.HBox(4, explanation.toggle(), hint));
        headTab = new Tab(null, head);
        headTab.textProperty().bind(I18n.bind("explore.head"));
        tabs.getTabs().addAll(headTab, shownLater("explore.lines", () -> lines), shownLater("explore.lens", this::lensPane));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        // the diff scrolls once the head view is down to its minimum (a short window, large text)
        ScrollPane diffScroll = new ScrollPane(ablationDiff);
        diffScroll.setFitToWidth(true);
        diffScroll.visibleProperty().bind(ablationDiff.visibleProperty());
        diffScroll.managedProperty().bind(ablationDiff.visibleProperty());
        VBox right = new VBox(diffScroll, tabs);
        VBox.setVgrow(tabs, javafx.scene.layout.Priority.ALWAYS);
        VBox.setVgrow(diffScroll, javafx.scene.layout.Priority.SOMETIMES);
        getItems().addAll(left, right);
        setDividerPositions(0.42);
        grid.setOnOpen(this::open);
        head.heatmap.setOnRowSelected(lines::focusRow);
        // the panel is a third column while shown
        SplitPane.setResizableWithParent(explanation, false);
        explanation.visibleProperty().addListener((o, was, on) -> {
            if (on) {
                getItems().add(explanation);
                setDividerPosition(1, 1 - 300 / Math.max(600, getWidth()));
            } else {
                getItems().remove(explanation);
            }
        });
    }

    @Override
    public Explanation explanation() { return explanation; }

    private void open(int row, int col, AttentionMatrix m) {
        openRow = row;
        openCol = col;
        head.show(m);
        showExact(row, col);
        lines.setMatrix(m);
        lines.focusRow(head.heatmap.selectedRowProperty().get());
        if (tabs.getSelectionModel().getSelectedItem() != headTab && tabs.getSelectionModel().getSelectedIndex() != 1) {
            tabs.getSelectionModel().select(headTab);
        }
    }

    /** Shows a new grid; the opened cell follows the new data. */
    void show(GridContent content) {
        this.content = content;
        grid.setRows(content.columns(), content.rows());
        follow(content);
        showExact(openRow, openCol);
    }

    /** Shows a frame of a run going on (its maps grow by rows from one frame to the next). */
    void showLive(GridContent content) {
        this.content = content;
        exactRequest++; // the frame's tile replaces an exact head still being computed
        grid.setLiveRows(content.columns(), content.rows());
        follow(content);
    }

    /**
     * A long run's grid shows tiles: the head view keeps the opened cell's tile until the head's exact pattern,
     * recomputed off the FX thread, replaces it (the mean column and short runs are exact as shown).
     */
    private void showExact(int row, int col) {
        long request = ++exactRequest;
        ExactCells exact = content == null ? null : content.exact();
        if (exact == null || row < 0 || col < 0) {
            return;
        }
        exactBuilder.submit(() -> exact.head(row, col).map(AttentionHeatmap.Prepared::new).ifPresent(p ->
                javafx.application.Platform.runLater(() -> {
                    if (request == exactRequest) head.show(p);
                })));
    }

    /** The opened cell follows new data. */
    private void follow(GridContent content) {
        if (openRow >= 0 && openRow < content.rows().size()) {
            var cells = content.rows().get(openRow).cells();
            if (openCol < cells.size() && cells.get(openCol) != null) {
                head.show(cells.get(openCol));
                lines.setMatrix(cells.get(openCol));
            }
        }
    }

    void showLens(LensTable t) { lens.setTable(t); }

    /** The lens of the run just shown is being read (off the FX thread): says so rather than showing the last run's. */
    void showLensReading() { lens.showReading(); }

    /** Says why the loaded model has no logit lens ({@code null}: it has one). */
    void setLensNote(String why) {
        lensNote.setText(why == null ? "" : why);
        lensNote.setVisible(why != null);
    }

    /** What the run's ablated heads changed (null: nothing ablated, the view hides). */
    void showAblation(Tokenizer tok, HeadSet.Outcome o) { ablationDiff.show(tok, o); }

    /** Forgets the previous model's run (its maps, lens and log-probability do not belong to the new one). */
    void clear() {
        grid.setRows(java.util.List.of(), java.util.List.of());
        head.clear();
        lines.setMatrix(null);
        lens.setTable(LensTable.EMPTY);
        sequenceLogProb.setText("");
        ablationDiff.show(null, null);
        openRow = -1;
        openCol = -1;
        content = null;
        exactRequest++;
    }

    /** The run's sequence log-probability (chain rule over the scored tokens) above the lens. */
    void showSurprisal(Optional<TokenSurprisal.Result> result) {
        sequenceLogProb.setText(result.map(r -> I18n.text("explore.logProb",
                r.tokens().size(), r.logProb(), r.bits(), r.meanBits(), r.perplexity())).orElse(""));
    }

    /**
     * A tab whose content is built and joins the scene when the tab is first selected: the views behind it are kept
     * up to date meanwhile, but cost no CSS or layout at start-up.
     */
    /** A tab titled with bundle key {@code key}'s text whose content is made when it is first selected. */
    private static Tab shownLater(String key, Supplier<Node> content) {
        Tab t = new Tab();
        t.textProperty().bind(I18n.bind(key));
        t.selectedProperty().addListener((o, was, selected) -> {
            if (selected && t.getContent() == null) {
                t.setContent(content.get());
            }
        });
        return t;
    }

    private BorderPane lensPane() {
        Label caption = Texts.label("explore.lensCaption");
        caption.setWrapText(true);
        caption.setPadding(new Insets(4));
        BorderPane p = new BorderPane(new ScrollPane(lens));
        sequenceLogProb.setId("sequenceLogProb");
        sequenceLogProb.setPadding(new Insets(0, 4, 4, 4));
        lensNote.setId("lensNote");
        lensNote.setWrapText(true);
        lensNote.setPadding(new Insets(0, 4, 4, 4));
        lensNote.managedProperty().bind(lensNote.visibleProperty());
        p.setTop(new VBox(caption, lensNote, sequenceLogProb));
        return p;
    }
}
