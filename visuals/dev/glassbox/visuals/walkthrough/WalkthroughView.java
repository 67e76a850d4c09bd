package dev.glassbox.visuals.walkthrough;

import java.util.ArrayList;
import java.util.List;

import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;

import dev.glassbox.engine.analysis.walkthrough.Step;
import dev.glassbox.engine.analysis.walkthrough.Values;
import dev.glassbox.engine.analysis.walkthrough.Walkthrough;
import dev.glassbox.visuals.i18n.I18n;

/**
 * A forward pass step by step, for a classroom: the steps on the left (each layer's steps folded under the layer),
 * the current step in large type in the middle (title, formula, a plain explanation, the hook that holds the value,
 * the values as coloured strips and heatmaps with exact values on hover). Left/Right go one step, Home/End to the
 * first and last, Page Up/Page Down one layer.
 */
public final class WalkthroughView extends BorderPane {
    private static final double MAX_TEXT_WIDTH = 1400;
    /** A light page whatever the window's theme: it projects well in a lit classroom. */
    private static final String PAGE = "-fx-background: #fbfaf7; -fx-background-color: #fbfaf7;";

    private final TreeView<Integer> list = new TreeView<>();
    private final List<TreeItem<Integer>> items = new ArrayList<>();
    final Label title = new Label();
    final Label formula = new Label();
    final Label explanation = new Label();
    final Label hook = new Label();
    final Label counter = new Label();
    private final VBox valueBox = new VBox(18);
    private final ReadOnlyIntegerWrapper current = new ReadOnlyIntegerWrapper(this, "current", -1);
    private final ScrollPane scroll = new ScrollPane();
    private Walkthrough walk;
    private boolean selecting;
    private double shownWidth;

    public WalkthroughView() {
        setId("walkthroughView");
        getStyleClass().add("walkthrough");
        list.setId("walkthroughSteps");
        list.setShowRoot(false);
        list.setPrefWidth(360);
        list.setCellFactory(t -> new TreeCell<>() {
            @Override
            protected void updateItem(Integer item, boolean empty) {
                super.updateItem(item, empty);
                setFont(Font.font(18));
                setText(empty || item == null ? null : item < 0 ? I18n.text("walkthrough.layer", -item - 1) : stepTitle(item));
            }
        });
        list.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (!selecting && b != null && b.getValue() >= 0) {
                show(b.getValue());
            }
        });
        title.setId("walkthroughTitle");
        title.setFont(Font.font("System", FontWeight.BOLD, 34));
        title.setWrapText(true);
        formula.setId("walkthroughFormula");
        formula.setFont(Font.font("Serif", 30));
        formula.setWrapText(true);
        formula.setStyle("-fx-background-color: #ece7d8; -fx-padding: 8 14 8 14; -fx-background-radius: 6;");
        explanation.setId("walkthroughExplanation");
        explanation.setFont(Font.font(24));
        explanation.setWrapText(true);
        explanation.setMaxWidth(MAX_TEXT_WIDTH);
        hook.setId("walkthroughHook");
        hook.setFont(Font.font("Monospaced", 20));
        hook.setWrapText(true);
        counter.setId("walkthroughCounter");
        counter.setFont(Font.font(18));
        Label keys = new Label();
        keys.textProperty().bind(I18n.bind("walkthrough.keys"));
        keys.setFont(Font.font(18));
        VBox page = new VBox(14, counter, title, formula, explanation, hook, valueBox, keys);
        page.setPadding(new Insets(16, 24, 24, 24));
        page.setStyle(PAGE);
        scroll.setContent(page);
        scroll.setStyle(PAGE);
        scroll.setFitToWidth(true);
        scroll.viewportBoundsProperty().addListener((o, a, b) -> {
            if (current.get() >= 0 && Math.abs(valuesWidth() - shownWidth) > 40) {
                show(current.get());
            }
        });
        scroll.setFocusTraversable(false);
        SplitPane split = new SplitPane(list, scroll);
        split.setDividerPositions(0.22);
        SplitPane.setResizableWithParent(list, false);
        setCenter(split);
        Label empty = new Label();
        empty.textProperty().bind(I18n.bind("walkthrough.empty"));
        empty.setFont(Font.font(24));
        empty.setWrapText(true);
        setTop(null);
        showEmpty(empty);
        addEventFilter(KeyEvent.KEY_PRESSED, this::key);
        I18n.localeProperty().addListener((o, a, b) -> {
            list.refresh();
            if (current.get() >= 0) {
                show(current.get());
            }
        });
    }

    private void showEmpty(Label empty) {
        valueBox.getChildren().setAll(empty);
    }

    /**
     * The step list at least as wide as its longest title (18 px text, indented under its layer, beside a scroll
     * bar), at most 460 px: at 220 px, a quarter of 1280, "L0 · MLP: activation" and most Chinese titles were cut.
     */
    private void fitListToTitles() {
        javafx.scene.text.Text t = new javafx.scene.text.Text();
        t.setFont(Font.font(18));
        double widest = 0;
        for (int i = 0; walk != null && i < walk.steps().size(); i++) {
            t.setText(stepTitle(i));
            widest = Math.max(widest, t.getLayoutBounds().getWidth());
        }
        list.setMinWidth(Math.min(460, Math.max(120, widest + 84)));
    }

    /** Shows {@code w}, starting at its first step (null clears the view). */
    public void setWalkthrough(Walkthrough w) {
        walk = w;
        items.clear();
        TreeItem<Integer> root = new TreeItem<>(Integer.MIN_VALUE);
        if (w != null) {
            TreeItem<Integer> group = null;
            int groupLayer = -1;
            for (int i = 0; i < w.steps().size(); i++) {
                Step s = w.steps().get(i);
                TreeItem<Integer> item = new TreeItem<>(i);
                items.add(item);
                if (s.layer() < 0 || s.kind().layerSummary()) {
                    root.getChildren().add(item);
                    group = null;
                    groupLayer = -1;
                    continue;
                }
                if (group == null || groupLayer != s.layer()) {
                    group = new TreeItem<>(-s.layer() - 1);
                    group.setExpanded(s.layer() == w.layer());
                    groupLayer = s.layer();
                    root.getChildren().add(group);
                }
                group.getChildren().add(item);
            }
        }
        list.setRoot(root);
        fitListToTitles();
        current.set(-1);
        if (w != null && !w.steps().isEmpty()) {
            show(0);
        }
    }

    public Walkthrough walkthrough() { return walk; }

    /** The index of the step shown, -1 when none. */
    public ReadOnlyIntegerProperty currentProperty() { return current.getReadOnlyProperty(); }

    public int stepCount() { return walk == null ? 0 : walk.steps().size(); }

    /** Shows step {@code index} (clamped to the steps there are). */
    public void show(int index) {
        if (walk == null || walk.steps().isEmpty()) {
            return;
        }
        int i = Math.max(0, Math.min(walk.steps().size() - 1, index));
        Step s = walk.steps().get(i);
        counter.setText(I18n.text("walkthrough.counter", i + 1, walk.steps().size(), walk.tokens().get(walk.position()).strip(),
                walk.position(), walk.layer(), walk.head()));
        title.setText(stepTitle(i));
        formula.setText(s.formula());
        explanation.setText(I18n.text("walkthrough.step." + s.kind().key() + ".text", s.args().toArray()));
        hook.setText(hookText(s));
        valueBox.getChildren().clear();
        shownWidth = valuesWidth();
        for (Values v : s.values()) {
            valueBox.getChildren().add(new ValuesView(v, shownWidth));
        }
        if (current.get() != i) {
            scroll.setVvalue(0); // a new step starts at its title
        }
        current.set(i);
        TreeItem<Integer> item = items.get(i);
        if (item.getParent() != null) {
            item.getParent().setExpanded(true);
        }
        selecting = true;
        list.getSelectionModel().select(item);
        int row = list.getRow(item);
        if (row >= 0) {
            list.scrollTo(Math.max(0, row - 3));
        }
        selecting = false;
    }

    /** The width the value views fill: the page's visible width less its padding. */
    private double valuesWidth() {
        double w = scroll.getViewportBounds().getWidth();
        return w > 0 ? w - 60 : 1000;
    }

    private String stepTitle(int i) {
        Step s = walk.steps().get(i);
        String t = I18n.text("walkthrough.step." + s.kind().key() + ".title", s.args().toArray());
        return s.layer() >= 0 && !s.kind().layerSummary()
                ? I18n.text("walkthrough.inLayer", s.layer(), t) : t;
    }

    private static String hookText(Step s) {
        if (s.hook() == null) {
            return I18n.text("walkthrough.hook.none");
        }
        boolean derived = s.values().stream().anyMatch(v -> v.source() != null && !v.source().captured()
                && v.source().hook().equals(s.hook()));
        return I18n.text(derived ? "walkthrough.hook.derived" : "walkthrough.hook.captured", s.hook().toString());
    }

    /** The value views of the shown step (for tests and hover). */
    public List<javafx.scene.Node> valueViews() { return List.copyOf(valueBox.getChildren()); }

    private void key(KeyEvent e) {
        if (walk == null) {
            return;
        }
        int i = current.get();
        int next = switch (e.getCode()) {
            case RIGHT -> i + 1;
            case LEFT -> i - 1;
            case HOME -> 0;
            case END -> walk.steps().size() - 1;
            case PAGE_DOWN -> layerJump(i, +1);
            case PAGE_UP -> layerJump(i, -1);
            default -> Integer.MIN_VALUE;
        };
        if (next == Integer.MIN_VALUE) {
            return;
        }
        e.consume();
        show(next);
    }

    /** The first step of the next (or previous) group of steps with another layer. */
    private int layerJump(int from, int direction) {
        List<Step> steps = walk.steps();
        int layer = steps.get(from).layer();
        int i = from;
        while (i + direction >= 0 && i + direction < steps.size() && steps.get(i + direction).layer() == layer) {
            i += direction;
        }
        i += direction;
        if (i < 0 || i >= steps.size()) {
            return direction > 0 ? steps.size() - 1 : 0;
        }
        if (direction < 0) {
            int l = steps.get(i).layer();
            while (i - 1 >= 0 && steps.get(i - 1).layer() == l) {
                i--;
            }
        }
        return i;
    }
}
