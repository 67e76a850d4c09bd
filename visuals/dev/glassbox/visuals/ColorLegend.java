package dev.glassbox.visuals;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

import dev.glassbox.visuals.chart.Ticks;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The key of a continuous colour encoding: what the colour shows (with its unit), a colour bar with the values at
 * its ends, how values map to colours ({@link ColorScale} explained in words) and which way is "more". The bar
 * always runs from the map's dark end (left) to its bright end (right); a reversed key puts the largest value at the
 * dark end (a distance shown so that bright means alike). It stacks when narrow (beside a view) and runs in a
 * line when wide (under one). Style class {@code legend}.
 */
public final class ColorLegend extends VBox {
    /**
     * @param title     what the colour shows, with its unit ("attention weight", "JS divergence (bits)")
     * @param scale     how a value maps to the colour map (null: linearly between min and max)
     * @param reversed  the dark end is {@code max}
     * @param direction what the bright end means ("→ more attention", "bright = alike"), or ""
     */
    public record Spec(String title, Palette palette, ColorScale scale, double min, double max, boolean reversed,
                       String direction) {
    }

    private static final int BAR_W = 120, BAR_H = 12;
    private final Label title = new Label();
    private final Label left = new Label();
    private final Label right = new Label();
    private final Label scaleNote = new Label();
    private final Label direction = new Label();
    private final Canvas bar = new Canvas(BAR_W, BAR_H);
    /** Title and bar, then scale and direction: each pair on one line when wide, stacked when narrow. */
    private final FlowPane top = new FlowPane(10, 2);
    private final FlowPane bottom = new FlowPane(10, 2);
    private Spec spec;
    /** The width its texts wrap within beside a view ({@link #setWidthLimit}). */
    private double widthLimit;
    /** The width they wrap within now: {@link #widthLimit}, or a view's width while it is under it. */
    private double wrapWidth;

    public ColorLegend() {
        super(2);
        setAlignment(Pos.TOP_LEFT);
        getStyleClass().add("legend");
        title.getStyleClass().add("legend-title");
        left.getStyleClass().add("legend-tick");
        right.getStyleClass().add("legend-tick");
        scaleNote.getStyleClass().add("legend-note");
        direction.getStyleClass().add("legend-note");
        for (Label l : new Label[] {title, scaleNote, direction}) {
            l.setWrapText(true);
        }
        setWidthLimit(BAR_W + 80);
        setMinWidth(BAR_W + 60); // a narrow column may squeeze it: its texts wrap, the bar row stays whole
        // as wide as the key, not as its longest unwrapped text (a flow's least width): under a view the note and
        // "→ more attention" ran past the key's right edge
        top.setMinWidth(0);
        bottom.setMinWidth(0);
        HBox row = new HBox(4, left, bar, right);
        row.setAlignment(Pos.CENTER_LEFT);
        top.getChildren().addAll(title, row);
        bottom.getChildren().addAll(scaleNote, direction);
        getChildren().addAll(top, bottom);
    }

    /** The widest it grows when stacked (beside a view); its texts wrap within it. */
    public void setWidthLimit(double px) {
        widthLimit = px;
        wrapWithin(px);
    }

    private void wrapWithin(double px) {
        if (px == wrapWidth) {
            return; // set at each layout of the view around it: unchanged, nothing is laid out again
        }
        wrapWidth = px;
        top.setPrefWrapLength(px);
        bottom.setPrefWrapLength(px);
        for (Label l : new Label[] {title, scaleNote, direction}) {
            l.setMaxWidth(px);
        }
    }

    /**
     * Under a view {@code px} wide: its texts wrap within that width, in lines as long as the view's (they wrapped
     * at the width limit, 200 px, under any view). {@link #beside} goes back to the limit.
     */
    public void under(double px) {
        Insets in = getInsets();
        wrapWithin(Math.max(BAR_W, Math.floor(px - in.getLeft() - in.getRight())));
    }

    /** Beside a view: its texts wrap within the width limit again. */
    public void beside() {
        wrapWithin(widthLimit);
    }

    /**
     * Its width stacked beside a view, whether or not it is under one now: its longest text up to the width limit,
     * or its bar row if wider.
     */
    public double besideWidth() {
        double text = 0;
        for (Label l : new Label[] {title, scaleNote, direction}) {
            if (l.isManaged()) {
                text = Math.max(text, l.prefWidth(-1));
            }
        }
        Insets in = getInsets();
        double row = top.getChildren().size() > 1 ? top.getChildren().get(1).prefWidth(-1) : 0;
        return Math.ceil(Math.max(Math.min(text, widthLimit), row) + in.getLeft() + in.getRight());
    }

    /**
     * Wraps its texts within {@code px} when that is narrower than now (a short view squeezes its key beside it);
     * never widens them again, so a view laid out over and over settles.
     */
    public void narrowTo(double px) {
        if (px < widthLimit) {
            setWidthLimit(px);
        }
    }

    /** Always one item a line, at most {@code px} wide (for a narrow column). */
    public void stack(double px) {
        setWidthLimit(px);
        setMaxWidth(px);
        javafx.scene.Node row = top.getChildren().get(1);
        top.getChildren().clear();
        bottom.getChildren().clear();
        getChildren().setAll(title, row, scaleNote, direction);
    }

    public ColorLegend(Spec spec) {
        this();
        show(spec);
    }

    public void show(Spec s) {
        if (s.equals(spec)) {
            return; // a live view shows its key every frame: unchanged, it is neither laid out nor painted again
        }
        this.spec = s;
        title.setText(s.title());
        double lo = s.reversed() ? s.max() : s.min(), hi = s.reversed() ? s.min() : s.max();
        left.setText(Ticks.format(lo));
        right.setText(Ticks.format(hi));
        scaleNote.setText(s.scale() == null ? "" : explain(s.scale()));
        scaleNote.setManaged(s.scale() != null);
        scaleNote.setVisible(s.scale() != null);
        direction.setText(s.direction());
        direction.setManaged(!s.direction().isEmpty());
        direction.setVisible(!s.direction().isEmpty());
        paintBar();
    }

    public Spec spec() { return spec; }

    /** The value printed at the dark (left) end of the bar. */
    public String leftText() { return left.getText(); }

    /** The value printed at the bright (right) end of the bar. */
    public String rightText() { return right.getText(); }

    public String titleText() { return title.getText(); }

    public String scaleText() { return scaleNote.getText(); }

    public String directionText() { return direction.getText(); }

    /** A colour scale in words: its name and what it does to the picture. */
    public static String explain(ColorScale s) {
        return I18n.text("legend.scale." + s.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Pixel i of the bar shows the colour of the value a fraction i / (width - 1) of the way from left to right. */
    private void paintBar() {
        GraphicsContext g = bar.getGraphicsContext2D();
        for (int i = 0; i < BAR_W; i++) {
            double f = i / (double) (BAR_W - 1);
            double valueFraction = spec.reversed() ? 1 - f : f; // of the way from min to max
            double t = spec.scale() == null ? valueFraction : spec.scale().position((float) valueFraction, 1f);
            g.setFill(spec.palette().color(spec.reversed() ? 1 - t : t));
            g.fillRect(i, 0, 1, BAR_H);
        }
    }

    /** The bar's colour (ARGB) at its left or right end, for tests. */
    public int endArgb(boolean rightEnd) {
        return bar.snapshot(null, null).getPixelReader().getArgb(rightEnd ? BAR_W - 1 : 0, BAR_H / 2);
    }
}
