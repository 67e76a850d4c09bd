package dev.glassbox.visuals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.StackPane;

import dev.glassbox.visuals.i18n.I18n;

/**
 * Layers x heads thumbnails. Thumbnails are rendered on a background thread (only the newest request
 * counts); arrows move the selection, Enter or a click opens the selected map.
 */
public final class AttentionGrid extends GridPane {
    /** Receives the opened cell: row, column and its map. */
    @FunctionalInterface
    public interface OpenHandler {
        void open(int row, int col, AttentionMatrix matrix);
    }

    /** The thumbnails' least side in pixels, and the side of a run's live frames (scaled up to {@link #side}). */
    private static final int THUMB = 48;
    /** The largest side they grow to in a roomy pane ({@link #growInto}). */
    static final int MAX_THUMB = 160;
    /** The name of the thread that renders the thumbnails. */
    public static final String THUMBNAIL_THREAD = "attention-grid-thumbnails";
    private static final ExecutorService RENDERER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, THUMBNAIL_THREAD);
        t.setDaemon(true);
        return t;
    });

    private final ReadOnlyBooleanWrapper ready = new ReadOnlyBooleanWrapper(this, "ready", false);
    private List<GridRow> rows = List.of();
    private final List<List<StackPane>> cells = new ArrayList<>();
    private volatile long version;
    /** Live frames' pixel arrays no cell holds any more: filled by the FX thread, taken by the renderer thread. */
    private final ArrayBlockingQueue<int[]> spare = new ArrayBlockingQueue<>(1024);
    /** The live thumbnails, per row and column (renderer thread only). */
    private final List<List<GrowingThumbnail>> growing = new ArrayList<>();
    private int selRow;
    private int selCol;
    private Palette palette = Palette.VIRIDIS;
    private OpenHandler onOpen = (r, c, m) -> { };
    private java.util.function.BiPredicate<Integer, Integer> marked = (r, c) -> false;
    private final ColorLegend legend = new ColorLegend();
    /** The thumbnails' side shown (FX thread): {@link #THUMB}, or more once {@link #growInto} gives room. */
    private int side = THUMB;
    /** The room of the pane the grid grows into (0: none given, the side stays {@link #THUMB}). */
    private double roomW, roomH;
    private final List<Label> rowLabels = new ArrayList<>();
    private final List<Label> columnHeaders = new ArrayList<>();

    public AttentionGrid() {
        getStyleClass().add("attention-grid");
        setHgap(3);
        setVgap(3);
        setPadding(new Insets(6));
        setFocusTraversable(true);
        showLegend();
        addEventHandler(KeyEvent.KEY_PRESSED, this::onKey);
    }

    public void setOnOpen(OpenHandler h) { this.onOpen = h; }

    public void setPalette(Palette p) {
        this.palette = p;
        showLegend();
        setRows(columnLabels, rows);
    }

    /** The thumbnails' colour key: beside the grid's first rows, or where its host put it ({@link #legendOutside}). */
    public ColorLegend legend() { return legend; }

    /**
     * Hands the colour key to the host, which shows it outside the grid, say under the scroll pane the grid is in:
     * beside the grid a key moves right with every column and leaves the view of a pane narrower than the grid
     * (the Explore grid of a 12-head model at 1280 x 720). From now on the grid no longer adds it; it is shown while
     * the grid has rows, in lines as wide as the host allows ({@link ColorLegend#setWidthLimit}).
     */
    public ColorLegend legendOutside() {
        legendInGrid = false;
        getChildren().remove(legend);
        legend.setVisible(!rows.isEmpty());
        legend.setManaged(!rows.isEmpty());
        return legend;
    }

    /** False once the host shows the key ({@link #legendOutside}). */
    private boolean legendInGrid = true;
    private boolean legendStacked;

    private void showLegend() {
        legend.show(new ColorLegend.Spec(I18n.text("legend.thumbnails"), palette, Thumbnails.SCALE, 0, 1, false,
                I18n.text("legend.moreAttention")));
    }

    /**
     * Lets the thumbnails grow with {@code scroll}'s view, which holds this grid: on a large screen they use the
     * room (whole pixels of the map) rather than staying {@link #THUMB} pixels; a grid too big for the view keeps
     * that least side and scrolls. A run's live frames stay {@link #THUMB} pixels, scaled up, and its end draws
     * every thumbnail at the full side.
     */
    public void growInto(javafx.scene.control.ScrollPane scroll) {
        scroll.viewportBoundsProperty().addListener((o, was, b) -> {
            roomW = b.getWidth();
            roomH = b.getHeight();
            fit();
        });
    }

    /** The thumbnails' side now, in pixels. */
    public int thumbnailSide() { return side; }

    /**
     * The side of {@code columns} x {@code rows} thumbnails filling {@code w} x {@code h} besides {@code labelW} of
     * row labels and {@code headerH} of column headers: at least {@link #THUMB}, at most {@link #MAX_THUMB}, in steps
     * of 8 pixels (a window resized by a few pixels draws nothing again).
     */
    static int fittedSide(double w, double h, double labelW, double headerH, int columns, int rows) {
        if (w <= 0 || h <= 0 || columns == 0 || rows == 0) {
            return THUMB;
        }
        double slack = 2 * 6 + 4; // the grid's padding and a little room against a scroll bar coming and going
        double perW = (w - slack - labelW - 3 * columns) / columns - 6;
        double perH = (h - slack - headerH - 3 * rows) / rows - 6;
        int fitted = (int) Math.floor(Math.min(perW, perH) / 8) * 8;
        return Math.clamp(fitted, THUMB, MAX_THUMB);
    }

    private void fit() {
        if (resizeToRoom() && !rows.isEmpty()) {
            show(columnLabels, rows, false); // drawn again at the new side
        }
    }

    /** Sets the side that fills the room; true when it changed. */
    private boolean resizeToRoom() {
        double labelW = 0;
        for (Label l : rowLabels) {
            labelW = Math.max(labelW, l.prefWidth(-1));
        }
        double headerH = 0;
        for (Label l : columnHeaders) {
            headerH = Math.max(headerH, l.prefHeight(-1));
        }
        double w = legendInGrid && legend.getParent() == this ? roomW - legend.prefWidth(-1) - 8 : roomW;
        int s = fittedSide(w, roomH, labelW, headerH, columnLabels.size(), rows.size());
        if (s == side) {
            return false;
        }
        side = s;
        for (List<StackPane> line : cells) {
            for (StackPane cell : line) {
                sizeCell(cell);
            }
        }
        return true;
    }

    /** The cell's room and its picture's shown size at the current side (a picture of another size is scaled). */
    private void sizeCell(StackPane cell) {
        cell.setMinSize(side + 6, side + 6);
        ImageView view = (ImageView) cell.getChildren().getFirst();
        view.setFitWidth(side);
        view.setFitHeight(side);
    }

    /** True once every thumbnail of the latest {@link #setRows} call is shown. */
    public ReadOnlyBooleanProperty readyProperty() { return ready.getReadOnlyProperty(); }

    public List<GridRow> rows() { return rows; }

    public int selectedRow() { return selRow; }

    public int selectedColumn() { return selCol; }

    /** The thumbnail node of a cell (for tests and focus). */
    public StackPane cell(int row, int col) { return cells.get(row).get(col); }

    private List<String> columnLabels = List.of();

    /**
     * Marks the cells for which {@code marked.test(row, column)} holds with a cross in the corner (say, heads that
     * are ablated); the marks follow later data until replaced.
     */
    public void setMarked(java.util.function.BiPredicate<Integer, Integer> marked) {
        this.marked = marked;
        applyMarks();
    }

    /** Whether cell (row, col) carries the mark. */
    public boolean isMarked(int row, int col) {
        return cells.get(row).get(col).getChildren().get(1).isVisible();
    }

    private void applyMarks() {
        for (int r = 0; r < cells.size(); r++) {
            for (int c = 0; c < cells.get(r).size(); c++) {
                cells.get(r).get(c).getChildren().get(1).setVisible(marked.test(r, c));
            }
        }
    }

    /** Shows {@code rows} under {@code columnLabels}; rebuilds nodes only when the shape changes. */
    public void setRows(List<String> columnLabels, List<GridRow> newRows) {
        show(columnLabels, newRows, false);
    }

    /**
     * Shows the maps of a run going on, which grow by rows from one call to the next: each thumbnail takes in only
     * its new rows ({@link GrowingThumbnail}), so a frame costs the tokens added, not the whole run again. The next
     * {@link #setRows} draws every thumbnail exactly.
     */
    public void setLiveRows(List<String> columnLabels, List<GridRow> newRows) {
        show(columnLabels, newRows, true);
    }

    private void show(List<String> columnLabels, List<GridRow> newRows, boolean live) {
        boolean reshape = !sameShape(columnLabels, newRows);
        this.columnLabels = List.copyOf(columnLabels);
        this.rows = List.copyOf(newRows);
        if (reshape) {
            rebuild();
        }
        ready.set(false);
        long v = ++version;
        Palette p = palette;
        List<GridRow> snapshot = rows;
        int size = live ? THUMB : side;
        RENDERER.submit(() -> renderAll(v, p, snapshot, live, size));
    }

    private boolean sameShape(List<String> cols, List<GridRow> newRows) {
        if (!cols.equals(columnLabels) || newRows.size() != rows.size()) {
            return false;
        }
        for (int i = 0; i < newRows.size(); i++) {
            if (!newRows.get(i).label().equals(rows.get(i).label())) {
                return false;
            }
        }
        return true;
    }

    private void rebuild() {
        getChildren().clear();
        cells.clear();
        rowLabels.clear();
        columnHeaders.clear();
        for (int c = 0; c < columnLabels.size(); c++) {
            Label h = new Label(columnLabels.get(c));
            h.getStyleClass().add("grid-header");
            add(h, c + 1, 0);
            columnHeaders.add(h);
        }
        for (int r = 0; r < rows.size(); r++) {
            Label l = new Label(rows.get(r).label());
            l.getStyleClass().add("grid-header");
            add(l, 0, r + 1);
            rowLabels.add(l);
            List<StackPane> line = new ArrayList<>();
            for (int c = 0; c < columnLabels.size(); c++) {
                Label mark = new Label("\u2715");
                mark.setStyle("-fx-text-fill: #ff5a5a; -fx-font-weight: bold; -fx-font-size: 11px;");
                mark.setMouseTransparent(true);
                mark.setVisible(false);
                ImageView view = new ImageView();
                view.setSmooth(false); // a live frame's map scaled up stays in sharp blocks
                StackPane cell = new StackPane(view, mark);
                StackPane.setAlignment(mark, Pos.TOP_RIGHT);
                cell.setAlignment(Pos.CENTER);
                sizeCell(cell);
                cell.getStyleClass().add("grid-cell");
                Tooltip.install(cell, new Tooltip(rows.get(r).label() + " \u00b7 " + columnLabels.get(c)));
                int rr = r;
                int cc = c;
                cell.setOnMouseClicked(e -> {
                    requestFocus();
                    select(rr, cc);
                    open();
                });
                add(cell, c + 1, r + 1);
                line.add(cell);
            }
            cells.add(line);
        }
        if (!legendInGrid) {
            legend.setVisible(!rows.isEmpty());
            legend.setManaged(!rows.isEmpty());
        } else if (!rows.isEmpty()) {
            if (!legendStacked) { // one item a line in the narrow column beside the thumbnails
                legend.stack(170);
                legendStacked = true;
            }
            add(legend, columnLabels.size() + 1, 1, 1, rows.size());
            GridPane.setValignment(legend, javafx.geometry.VPos.TOP);
            GridPane.setMargin(legend, new Insets(0, 0, 0, 8));
        }
        applyMarks();
        if (roomW > 0) {
            applyCss(); // the labels' sizes, for the side that fits the new shape (the caller draws it)
            resizeToRoom();
        }
        selRow = Math.min(selRow, Math.max(0, rows.size() - 1));
        selCol = Math.min(selCol, Math.max(0, columnLabels.size() - 1));
        select(selRow, selCol);
    }

    private void renderAll(long v, Palette p, List<GridRow> snapshot, boolean live, int size) {
        List<int[][]> out = new ArrayList<>();
        for (int r = 0; r < snapshot.size(); r++) {
            GridRow row = snapshot.get(r);
            int[][] line = new int[row.cells().size()][];
            for (int c = 0; c < line.length; c++) {
                if (version != v) {
                    return; // a newer request supersedes this one
                }
                AttentionMatrix m = row.cells().get(c);
                if (m == null || m.rows() == 0) {
                    line[c] = null;
                } else if (live) {
                    GrowingThumbnail g = growing(r, c);
                    g.update(m);
                    line[c] = g.render(p, spare.poll());
                } else {
                    line[c] = Thumbnails.render(m, size, p);
                }
            }
            out.add(line);
        }
        Platform.runLater(() -> apply(v, out, size));
    }

    /** Cell (r, c)'s live thumbnail (renderer thread only). */
    private GrowingThumbnail growing(int r, int c) {
        while (growing.size() <= r) {
            growing.add(new ArrayList<>());
        }
        List<GrowingThumbnail> line = growing.get(r);
        while (line.size() <= c) {
            line.add(new GrowingThumbnail(THUMB));
        }
        return line.get(c);
    }

    /** Shows {@code images}, each {@code n} x {@code n} pixels (a live frame's side or the full one). */
    private void apply(long v, List<int[][]> images, int n) {
        if (v != version) {
            images.forEach(line -> java.util.Arrays.stream(line).forEach(this::spare));
            return;
        }
        for (int r = 0; r < images.size() && r < cells.size(); r++) {
            for (int c = 0; c < images.get(r).length && c < cells.get(r).size(); c++) {
                ImageView view = (ImageView) cells.get(r).get(c).getChildren().getFirst();
                int[] px = images.get(r)[c];
                int[] shown = (int[]) view.getUserData();
                if (px == null) {
                    view.setImage(null);
                    view.setUserData(null);
                    spare(shown);
                    continue;
                }
                if (java.util.Arrays.equals(px, shown)) {
                    spare(px);
                    continue; // unchanged: no upload
                }
                // one image per cell, written again: a live frame makes no new images (nor their textures)
                WritableImage img = view.getImage() instanceof WritableImage w && w.getWidth() == n ? w : new WritableImage(n, n);
                img.getPixelWriter().setPixels(0, 0, n, n, PixelFormat.getIntArgbPreInstance(), px, 0, n);
                view.setImage(img);
                view.setUserData(px);
                spare(shown);
            }
        }
        ready.set(true);
    }

    /**
     * Hands {@code px}, which no cell shows or compares against any more, to the renderer thread for a later live
     * frame: a new array a cell a frame was the largest item of a live run's garbage (docs/PERFORMANCE.md, "GC
     * pauses during a live run"). The image keeps its own copy of the pixels ({@code setPixels} copies them).
     */
    private void spare(int[] px) {
        if (px != null && px.length == THUMB * THUMB) {
            spare.offer(px); // full: left to the collector
        }
    }

    public void select(int row, int col) {
        if (cells.isEmpty()) {
            return;
        }
        cells.get(selRow).get(selCol).getStyleClass().remove("selected");
        selRow = Math.floorMod(row, cells.size());
        selCol = Math.floorMod(col, cells.get(selRow).size());
        cells.get(selRow).get(selCol).getStyleClass().add("selected");
    }

    private void open() {
        if (selRow < rows.size() && selCol < rows.get(selRow).cells().size()) {
            AttentionMatrix m = rows.get(selRow).cells().get(selCol);
            if (m != null) {
                onOpen.open(selRow, selCol, m);
            }
        }
    }

    private void onKey(KeyEvent e) {
        KeyCode k = e.getCode();
        switch (k) {
            case UP -> select(selRow - 1, selCol);
            case DOWN -> select(selRow + 1, selCol);
            case LEFT -> select(selRow, selCol - 1);
            case RIGHT -> select(selRow, selCol + 1);
            case ENTER -> open();
            default -> {
                return;
            }
        }
        e.consume();
    }
}
