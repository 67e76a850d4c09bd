package dev.glassbox.visuals;

import java.util.function.BiFunction;

import javafx.beans.InvalidationListener;
import javafx.beans.WeakInvalidationListener;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.text.TextAlignment;
import javafx.util.Duration;

/**
 * A view drawn on one canvas that fills it, with an optional legend node below or to the right: resizes the canvas
 * with the region, paints the {@link Theme} background before {@link #paint}, repaints when the theme or the text
 * scale changes, and can show a hover read-out as a tooltip. The canvas sits at the region's origin, so canvas and
 * view coordinates agree.
 */
public abstract class CanvasView extends Region {
    /** Where the legend goes; one asked to the right goes below instead when that leaves the picture more room. */
    public enum LegendSide { BOTTOM, RIGHT }

    private static final double LEGEND_GAP = 6;
    protected final Canvas canvas = new Canvas();
    private final Tooltip tip = new Tooltip();
    /** Held here: the theme properties keep only a weak reference, so a dropped view can be collected. */
    private final InvalidationListener themeChanged = o -> themeOrScaleChanged();
    /** Texts are painted (an empty view's hint, axis labels): a language switch repaints them. */
    private final InvalidationListener localeChanged = o -> redraw();
    private Node legend;
    private LegendSide legendSide = LegendSide.BOTTOM;

    protected CanvasView() {
        getChildren().add(canvas);
        tip.setShowDelay(Duration.millis(50));
        Theme.currentProperty().addListener(new WeakInvalidationListener(themeChanged));
        Theme.textScaleProperty().addListener(new WeakInvalidationListener(themeChanged));
        dev.glassbox.visuals.i18n.I18n.localeProperty().addListener(new WeakInvalidationListener(localeChanged));
    }

    /** Shows {@code read(x, y)} (null: nothing) as a tooltip while the mouse moves over the canvas. */
    protected final void hoverWith(BiFunction<Double, Double, String> read) {
        canvas.setOnMouseMoved(e -> {
            String s = read.apply(e.getX(), e.getY());
            if (s == null || s.isEmpty()) {
                tip.hide();
            } else {
                tip.setText(s);
                tip.show(canvas, e.getScreenX() + 12, e.getScreenY() + 12);
            }
        });
        canvas.setOnMouseExited(e -> tip.hide());
    }

    /**
     * Puts {@code node} (a {@link ColorLegend} or {@link CategoryLegend}) beside the canvas; null removes it. While
     * the node is hidden the canvas takes its room.
     */
    protected final void setLegend(Node node, LegendSide side) {
        if (legend != null) getChildren().remove(legend);
        legend = node;
        legendSide = side;
        if (node != null) {
            getChildren().add(node);
            node.visibleProperty().addListener(o -> requestLayout());
        }
        requestLayout();
    }

    /** The legend beside this view's colours, or null when it has none. */
    public Node legend() {
        return legend;
    }

    @Override
    protected void layoutChildren() {
        double w = snapSizeX(getWidth());
        double h = snapSizeY(getHeight());
        double cw = w, ch = h;
        if (legend != null && legend.isManaged() && legend.isVisible()) {
            ColorLegend key = legend instanceof ColorLegend c ? c : null;
            double lw = key != null ? key.besideWidth() : legend.prefWidth(-1); // the same wherever it is now
            if (key != null) {
                key.under(w); // below, its texts run in lines as wide as the view: measured so
            }
            double below = legend.prefHeight(w);
            boolean right = legendSide == LegendSide.RIGHT && rightLeavesMore(w, h, lw, below);
            if (!right && below > h / 2) {
                // a short view (large text, small window): below, the legend would be cut; beside it, wrapped
                // into at most half the width, it fits
                right = true;
                // never narrower than the key can be (squeezed further, it ran over the next view)
                lw = Math.max(Math.min(lw, w / 2), legend.minWidth(-1));
                if (key != null) {
                    key.narrowTo(lw); // its texts wrapped to that width (they wrapped at 200 px whatever its width)
                }
            }
            if (key != null && right) {
                key.beside();
            }
            if (!right && legend instanceof javafx.scene.layout.Pane keys) { // keys stacked under the view
                for (Node n : keys.getChildrenUnmodifiable()) {
                    if (n instanceof ColorLegend c) {
                        c.under(w);
                    }
                }
            }
            if (right) {
                cw = Math.max(1, w - lw - LEGEND_GAP);
                legend.resizeRelocate(cw + LEGEND_GAP, 0, lw, Math.min(h, legend.prefHeight(lw)));
            } else {
                double lh = Math.min(h / 2, legend.prefHeight(w));
                ch = Math.max(1, h - lh - LEGEND_GAP);
                legend.resizeRelocate(0, ch + LEGEND_GAP, w, lh);
            }
        }
        if (canvas.getWidth() != cw || canvas.getHeight() != ch) {
            canvas.setWidth(cw);
            canvas.setHeight(ch);
        }
        redraw();
    }

    /** Whether a legend at the right leaves a larger square for the picture than one below. */
    private static boolean rightLeavesMore(double w, double h, double lw, double lh) {
        return Math.min(w - lw - LEGEND_GAP, h) >= Math.min(w, h - lh - LEGEND_GAP);
    }

    /** Called when the theme or the text scale changes; repaints. */
    protected void themeOrScaleChanged() {
        redraw();
    }

    /** Paints the theme background and then the view. */
    public final void redraw() {
        double w = canvas.getWidth(), h = canvas.getHeight();
        if (w <= 0 || h <= 0) return;
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.BASELINE);
        g.setLineDashes();
        g.setLineWidth(1);
        g.setFill(Theme.current().background());
        g.fillRect(0, 0, w, h);
        g.setFont(Theme.font());
        paint(g, w, h);
    }

    /** Draws the view over the background; the font is {@link Theme#font()}. */
    protected abstract void paint(GraphicsContext g, double w, double h);

    /** A muted line of text in the middle of an empty view, saying what will appear there. */
    protected static void paintEmpty(GraphicsContext g, double w, double h, String text) {
        g.setFill(Theme.current().mutedText());
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(text, w / 2, h / 2, Math.max(20, w - 16));
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.BASELINE);
    }

    /** Opaque ARGB of a colour, for pixel buffers. */
    public static int argb(javafx.scene.paint.Color c) {
        return 0xFF000000 | (int) Math.round(c.getRed() * 255) << 16 | (int) Math.round(c.getGreen() * 255) << 8
                | (int) Math.round(c.getBlue() * 255);
    }

    /** The text colour readable on a cell of colour {@code c}. */
    public static javafx.scene.paint.Color textOn(javafx.scene.paint.Color c) {
        return luminance(c) > 0.45 ? javafx.scene.paint.Color.BLACK : javafx.scene.paint.Color.WHITE;
    }

    private static double luminance(javafx.scene.paint.Color c) {
        return 0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue();
    }

    private static final javafx.scene.text.Text MEASURE = new javafx.scene.text.Text();

    /** The width of {@code text} drawn in {@code font}. */
    public static double textWidth(String text, javafx.scene.text.Font font) {
        MEASURE.setFont(font);
        MEASURE.setText(text);
        return MEASURE.getLayoutBounds().getWidth();
    }

    /** The canvas (for tests and snapshots). */
    public Canvas canvas() {
        return canvas;
    }
}
