package dev.glassbox.visuals;

import java.util.Locale;
import java.util.Optional;
import java.util.function.IntConsumer;

import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Point2D;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;

import dev.glassbox.visuals.i18n.I18n;

/**
 * A zoomable, pannable query x key heat map. Each redraw resamples only the visible cells into a
 * viewport-sized {@link WritableImage} (from a max-pooled {@link MipPyramid} when cells are smaller than a
 * pixel), so a 4096 x 4096 map costs the same per frame as a 16 x 16 one. Colour = {@link ColorScale} of
 * weight / map maximum (square root by default).
 * Wheel zooms about the cursor, drag pans, double-click fits, click selects a query row; the cell under
 * the mouse is described (indices, tokens, exact weight) by {@link #hoverTextProperty}. The colour key stands at the
 * right; while the whole map is fitted it stays fitted when the view is resized.
 */
public final class AttentionHeatmap extends CanvasView {
    /** Room for the row labels and the slanted column labels at text scale 1; both grow with the text scale. */
    static final double LEFT = 84;
    static final double TOP = 64;
    private static final double MAX_SCALE = 80;

    private final ColorLegend legend = new ColorLegend();
    private final ReadOnlyStringWrapper hoverText = new ReadOnlyStringWrapper(this, "hoverText", "");
    private final ReadOnlyIntegerWrapper selectedRow = new ReadOnlyIntegerWrapper(this, "selectedRow", -1);
    private AttentionMatrix matrix;
    private MipPyramid pyramid;
    private float max = 1;
    private Palette palette = Palette.VIRIDIS;
    private ColorScale colorScale = ColorScale.SQRT;
    private double scale = 1;
    private double offX;
    private double offY;
    private boolean fitPending = true;
    /** The whole map is shown (no zoom or pan since the last fit). */
    private boolean fitted;
    private WritableImage image;
    private int[] pixels = new int[0];
    private double pressX;
    private double pressY;
    private boolean dragged;
    private IntConsumer onRowSelected = r -> { };

    public AttentionHeatmap() {
        getStyleClass().add("attention-heatmap");
        setLegend(legend, LegendSide.RIGHT);
        showLegend();
        setMinSize(120, 120);
        setPrefSize(600, 600);
        canvas.setOnScroll(this::onScroll);
        canvas.setOnMouseMoved(this::onMove);
        canvas.setOnMousePressed(e -> {
            pressX = e.getX();
            pressY = e.getY();
            dragged = false;
        });
        canvas.setOnMouseDragged(this::onDrag);
        canvas.setOnMouseReleased(this::onRelease);
        canvas.setOnMouseExited(e -> hoverText.set(""));
    }

    public void setMatrix(AttentionMatrix m) {
        setPrepared(m == null ? null : new Prepared(m));
    }

    /**
     * A map with what drawing it needs computed (its pooled copies and maximum: a tenth of a second for a 4,096 x
     * 4,096 map), made on any thread and shown by {@link #setPrepared}.
     */
    public static final class Prepared {
        private final AttentionMatrix matrix;
        private final MipPyramid pyramid;
        private final float max;

        public Prepared(AttentionMatrix matrix) {
            this.matrix = matrix;
            this.pyramid = new MipPyramid(matrix);
            this.max = matrix.max();
        }

        public AttentionMatrix matrix() { return matrix; }
    }

    /** Shows a prepared map (null: none). */
    public void setPrepared(Prepared p) {
        AttentionMatrix m = p == null ? null : p.matrix;
        boolean sameShape = matrix != null && m != null && matrix.rows() == m.rows() && matrix.cols() == m.cols();
        this.matrix = m;
        this.pyramid = p == null ? null : p.pyramid;
        this.max = p == null ? 1 : p.max;
        if (!sameShape) {
            fitPending = true;
            selectedRow.set(-1);
        }
        showLegend();
        redraw();
    }

    private void showLegend() {
        legend.setVisible(matrix != null);
        legend.setManaged(matrix != null);
        legend.show(new ColorLegend.Spec(I18n.text("legend.attention"), palette, colorScale, 0, max, false,
                I18n.text("legend.moreAttention")));
    }

    /** The colour key at the right. */
    @Override
    public ColorLegend legend() { return legend; }

    public AttentionMatrix matrix() { return matrix; }

    public void setPalette(Palette p) {
        this.palette = p;
        showLegend();
        redraw();
    }

    public Palette palette() { return palette; }

    public void setColorScale(ColorScale s) {
        this.colorScale = s;
        showLegend();
        redraw();
    }

    public ColorScale colorScale() { return colorScale; }

    /** The colour (opaque ARGB) this view gives weight {@code v}. */
    public int argbOf(float v) {
        return palette.argb(colorScale.position(v, max));
    }

    public void setOnRowSelected(IntConsumer c) { this.onRowSelected = c; }

    public ReadOnlyStringProperty hoverTextProperty() { return hoverText.getReadOnlyProperty(); }

    public ReadOnlyIntegerProperty selectedRowProperty() { return selectedRow.getReadOnlyProperty(); }

    public void selectRow(int row) {
        selectedRow.set(row);
        onRowSelected.accept(row);
        redraw();
    }

    /** Fits the whole map into the view. */
    public void fit() {
        fitPending = true;
        redraw();
    }

    /** Zooms by {@code factor} about the centre of the view. */
    public void zoomBy(double factor) {
        zoomAbout(left() + plotWidth() / 2, top() + plotHeight() / 2, factor);
    }

    /** The centre of cell (q, k) in this node's coordinates, if it is visible. */
    public Optional<Point2D> cellCenter(int q, int k) {
        double x = left() + (k + 0.5 - offX) * scale;
        double y = top() + (q + 0.5 - offY) * scale;
        if (matrix == null || x < left() || y < top() || x >= canvas.getWidth() || y >= canvas.getHeight()) {
            return Optional.empty();
        }
        return Optional.of(new Point2D(x, y));
    }

    /** The (query, key) cell under a point in this node's coordinates. */
    public Optional<int[]> cellAt(double x, double y) {
        if (matrix == null || x < left() || y < top()) {
            return Optional.empty();
        }
        int k = (int) Math.floor(offX + (x - left()) / scale);
        int q = (int) Math.floor(offY + (y - top()) / scale);
        if (q < 0 || k < 0 || q >= matrix.rows() || k >= matrix.cols()) {
            return Optional.empty();
        }
        return Optional.of(new int[] {q, k});
    }

    /** The hover text for a cell: indices, token labels and the weight (5 decimals; 5 significant digits below 0.001). */
    public String describe(int q, int k) {
        String cell = String.format(Locale.ROOT, "q=%d '%s' -> k=%d '%s': %s", q, matrix.queryLabels().get(q), k,
                matrix.keyLabels().get(k), formatWeight(matrix.get(q, k)));
        return matrix.masked(q, k) ? cell + "  " + I18n.text("heatmap.maskedCell") : cell;
    }

    static String formatWeight(float w) {
        return w != 0 && Math.abs(w) < 1e-3 ? String.format(Locale.ROOT, "%.4e", w) : String.format(Locale.ROOT, "%.5f", w);
    }

    @Override
    protected void layoutChildren() {
        double w = canvas.getWidth(), h = canvas.getHeight();
        super.layoutChildren();
        if (fitted && (canvas.getWidth() != w || canvas.getHeight() != h)) {
            fit();
        }
    }

    /** The label margins follow the text scale: a fitted map is fitted again. */
    @Override
    protected void themeOrScaleChanged() {
        if (fitted) {
            fit();
        } else {
            redraw();
        }
    }

    private static double left() { return LEFT * Theme.textScale(); }

    private static double top() { return TOP * Theme.textScale(); }

    private double plotWidth() { return Math.max(1, canvas.getWidth() - left()); }

    private double plotHeight() { return Math.max(1, canvas.getHeight() - top()); }

    private void fitNow() {
        scale = Math.min(MAX_SCALE, Math.min(plotWidth() / matrix.cols(), plotHeight() / matrix.rows()));
        offX = 0;
        offY = 0;
        fitPending = false;
        fitted = true;
    }

    private void onScroll(ScrollEvent e) {
        if (matrix != null && e.getDeltaY() != 0) {
            zoomAbout(e.getX(), e.getY(), Math.exp(e.getDeltaY() * 0.003));
        }
        e.consume();
    }

    private void zoomAbout(double x, double y, double factor) {
        if (matrix == null) {
            return;
        }
        double fitScale = Math.min(plotWidth() / matrix.cols(), plotHeight() / matrix.rows());
        double ns = Math.max(fitScale * 0.5, Math.min(MAX_SCALE, scale * factor));
        fitted = false;
        double cx = offX + (x - left()) / scale;
        double cy = offY + (y - top()) / scale;
        scale = ns;
        offX = cx - (x - left()) / ns;
        offY = cy - (y - top()) / ns;
        clampOffsets();
        redraw();
    }

    private void clampOffsets() {
        offX = Math.max(Math.min(offX, matrix.cols() - plotWidth() / scale), 0);
        offY = Math.max(Math.min(offY, matrix.rows() - plotHeight() / scale), 0);
    }

    private void onDrag(MouseEvent e) {
        if (matrix == null) {
            return;
        }
        double dx = e.getX() - pressX;
        double dy = e.getY() - pressY;
        if (Math.abs(dx) + Math.abs(dy) > 3) {
            dragged = true;
        }
        if (dragged) {
            fitted = false;
            offX -= dx / scale;
            offY -= dy / scale;
            pressX = e.getX();
            pressY = e.getY();
            clampOffsets();
            redraw();
        }
    }

    private void onRelease(MouseEvent e) {
        if (matrix == null || dragged || e.getButton() != MouseButton.PRIMARY) {
            return;
        }
        if (e.getClickCount() == 2) {
            fit();
            return;
        }
        cellAt(e.getX(), e.getY()).ifPresent(c -> selectRow(c[0] == selectedRow.get() ? -1 : c[0]));
    }

    private void onMove(MouseEvent e) {
        String text = cellAt(e.getX(), e.getY()).map(c -> describe(c[0], c[1])).orElse("");
        hoverText.set(text);
    }

    /** Draws the visible part of the map and its axes. */
    @Override
    protected void paint(GraphicsContext g, double w, double h) {
        if (matrix == null) {
            paintEmpty(g, w, h, I18n.text("heatmap.empty"));
            return;
        }
        if (w <= left() || h <= top()) {
            return;
        }
        if (fitPending) {
            fitNow();
        }
        int pw = (int) plotWidth();
        int ph = (int) plotHeight();
        renderImage(pw, ph);
        g.setImageSmoothing(false);
        g.drawImage(image, left(), top());
        drawSelection(g);
        drawLabels(g);
        drawMaskKey(g);
    }

    private void renderImage(int pw, int ph) {
        if (image == null || image.getWidth() != pw || image.getHeight() != ph) {
            image = new WritableImage(pw, ph);
            pixels = new int[pw * ph];
        }
        // below one pixel per cell: the coarsest level whose cells are no smaller than a pixel, and each pixel the
        // maximum of the (at most 2 x 2) pooled cells its footprint touches, so no single strong weight is lost
        int level = scale >= 1 ? 0 : Math.min(pyramid.maxLevel(), (int) Math.ceil(Math.log(1 / scale) / Math.log(2) - 1e-9));
        int rows = matrix.rows();
        int cols = matrix.cols();
        int[][] colSpan = footprints(pw, offX, cols);
        int[][] rowSpan = footprints(ph, offY, rows);
        int background = argb(Theme.current().background());
        for (int y = 0; y < ph; y++) {
            int ra = rowSpan[0][y], rb = rowSpan[1][y];
            int base = y * pw;
            if (ra < 0) {
                java.util.Arrays.fill(pixels, base, base + pw, background);
                continue;
            }
            for (int x = 0; x < pw; x++) {
                int ca = colSpan[0][x], cb = colSpan[1][x];
                if (ca < 0) {
                    pixels[base + x] = background;
                    continue;
                }
                if (matrix.masked((ra + rb) >>> 1, (ca + cb) >>> 1)) {
                    pixels[base + x] = hatch(x, y);
                    continue;
                }
                float v = Math.max(Math.max(pyramid.get(level, ra, ca), pyramid.get(level, ra, cb)),
                        Math.max(pyramid.get(level, rb, ca), pyramid.get(level, rb, cb)));
                pixels[base + x] = palette.argb(colorScale.position(v, max));
            }
        }
        image.getPixelWriter().setPixels(0, 0, pw, ph, PixelFormat.getIntArgbPreInstance(), pixels, 0, pw);
    }

    /** A masked cell's pixel: grey diagonal hatching (no palette colour is grey, so it cannot read as a weight). */
    static int hatch(int x, int y) {
        return ((x + y) % 6) < 2 ? 0xFF8A8A8A : 0xFFD0D0D0;
    }

    /** The mask's key in the top-left corner: a hatched swatch and what it means. */
    private void drawMaskKey(GraphicsContext g) {
        if (matrix.visible() == null) {
            return;
        }
        double s = 10 * Theme.textScale();
        for (int dy = 0; dy < (int) s; dy++) {
            for (int dx = 0; dx < (int) s; dx++) {
                g.getPixelWriter().setArgb((int) (4 + dx), (int) (4 + dy), hatch(dx, dy));
            }
        }
        g.setFill(Theme.current().text());
        g.setFont(Theme.font(11));
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText(I18n.text("heatmap.maskKey"), 8 + s, 3, left() - 12 - s);
    }

    /**
     * Per pixel along one axis, the first and last cell it covers ([0]: -1 past the map). Zoomed in (a cell wider
     * than a pixel) both are the cell under the pixel's centre, so cell edges stay sharp.
     */
    private int[][] footprints(int pixels, double offset, int cells) {
        int[][] span = new int[2][pixels];
        for (int p = 0; p < pixels; p++) {
            int centre = (int) Math.floor(offset + (p + 0.5) / scale);
            int a = scale >= 1 ? centre : (int) Math.floor(offset + p / scale);
            int b = scale >= 1 ? centre : (int) Math.floor(offset + (p + 1) / scale - 1e-9);
            span[0][p] = a < cells ? a : -1;
            span[1][p] = Math.min(b, cells - 1);
        }
        return span;
    }

    private void drawSelection(GraphicsContext g) {
        int row = selectedRow.get();
        if (row < 0 || row >= matrix.rows()) {
            return;
        }
        double y = top() + (row - offY) * scale;
        g.setStroke(Theme.current().highlight());
        g.setLineWidth(2);
        g.strokeRect(left(), y, Math.min(plotWidth(), (matrix.cols() - offX) * scale), Math.max(scale, 2));
    }

    private void drawLabels(GraphicsContext g) {
        g.setFill(Theme.current().text());
        g.setFont(Theme.font(12));
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText(I18n.text(matrix.axes().columnKey()) + " \u2192", left(), 2);
        // every label when cells are tall enough for text, otherwise every stride-th one
        double size = Math.min(12, Math.max(9, scale - 2)) * Theme.textScale();
        int stride = (int) Math.ceil((size + 2) / scale);
        drawRowTitle(g, size);
        if (stride > 64) {
            return;
        }
        g.setFont(Theme.font(size / Theme.textScale()));
        int firstK = (int) offX;
        int lastK = Math.min(matrix.cols() - 1, (int) (offX + plotWidth() / scale));
        for (int k = firstK; k <= lastK; k++) {
            if (k % stride != 0) {
                continue;
            }
            double x = left() + (k + 0.5 - offX) * scale;
            if (x < left() || x > canvas.getWidth()) {
                continue;
            }
            g.save();
            g.translate(x + size / 3, top() - 3);
            g.rotate(-60);
            g.fillText(tickLabel(matrix.axes(), k, matrix.keyLabels().get(k), stride), 0, 0);
            g.restore();
        }
        g.setTextBaseline(VPos.CENTER);
        g.setTextAlign(TextAlignment.RIGHT);
        int firstQ = (int) offY;
        int lastQ = Math.min(matrix.rows() - 1, (int) (offY + plotHeight() / scale));
        for (int q = firstQ; q <= lastQ; q++) {
            if (q % stride != 0) {
                continue;
            }
            double y = top() + (q + 0.5 - offY) * scale;
            if (y < top() || y > canvas.getHeight()) {
                continue;
            }
            g.fillText(tickLabel(matrix.axes(), q, matrix.queryLabels().get(q), stride), left() - 4, y);
        }
    }

    /**
     * The rows' axis title ("queries ↓") in the corner left of the column labels: its bottom half a tick label plus
     * a gap above the map, so the first row's label (centred at most half a label above the map's top) never touches
     * it, and in two lines, split at a space, when one would be wider than the margin ("query positions ↓" at 12 px
     * is ~105 px against 78): canvas text wider than its room is squeezed, unreadable from the back of a room.
     */
    private void drawRowTitle(GraphicsContext g, double tickSize) {
        g.setTextBaseline(VPos.BOTTOM); // the column labels below are drawn on this baseline too
        String[] lines = rowTitleLines(I18n.text(matrix.axes().rowKey()) + " \u2193", g.getFont(), left() - 8);
        double lineHeight = g.getFont().getSize() * 1.2;
        double bottom = rowTitleBottom(tickSize);
        for (int i = lines.length - 1; i >= 0; i--) {
            g.fillText(lines[i], 4, bottom - (lines.length - 1 - i) * lineHeight, left() - 8);
        }
    }

    /** Where the rows' axis title ends: above the map by half a tick label of {@code tickSize} px and 4 px. */
    static double rowTitleBottom(double tickSize) {
        return top() - tickSize / 2 - 4;
    }

    /** {@code title} in one line if it fits {@code width}, else in two split at the space that best fits. */
    static String[] rowTitleLines(String title, javafx.scene.text.Font font, double width) {
        if (CanvasView.textWidth(title, font) <= width) {
            return new String[] {title};
        }
        String[] best = {title};
        double widest = Double.MAX_VALUE;
        for (int i = title.indexOf(' '); i > 0; i = title.indexOf(' ', i + 1)) {
            String a = title.substring(0, i).strip();
            String b = title.substring(i + 1).strip();
            double w = Math.max(CanvasView.textWidth(a, font), CanvasView.textWidth(b, font));
            if (!a.isEmpty() && !b.isEmpty() && w < widest) {
                widest = w;
                best = new String[] {a, b};
            }
        }
        return best;
    }

    /**
     * The text beside row or column {@code index}: its label, after its index when only every {@code stride}-th is
     * labelled, cut to {@link #LABEL_CHARS} characters. A tile's label is its range of positions, kept whole (at most
     * "32766–32767", which the margins hold) and with no index before it.
     */
    static String tickLabel(AttentionMatrix.Axes axes, int index, String label, int stride) {
        if (axes.labelsArePositions()) {
            return label;
        }
        String s = stride > 1 ? index + " " + label : label;
        return s.length() > LABEL_CHARS ? s.substring(0, LABEL_CHARS - 1) + "\u2026" : s;
    }

    /** Characters of a token's tick label (then cut with an ellipsis). */
    static final int LABEL_CHARS = 10;
}
