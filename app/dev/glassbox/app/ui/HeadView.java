package dev.glassbox.app.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.FileChooser;

import dev.glassbox.app.service.Countdown;
import dev.glassbox.app.service.ErrorMessages;
import dev.glassbox.app.service.FileWrites;
import dev.glassbox.visuals.AttentionHeatmap;
import dev.glassbox.visuals.AttentionMatrix;
import dev.glassbox.visuals.ColorScale;
import dev.glassbox.visuals.MatrixExport;
import dev.glassbox.visuals.Palette;
import javafx.beans.binding.StringBinding;
import javafx.beans.binding.Bindings;
import dev.glassbox.visuals.i18n.I18n;

/** One opened map: the heat map, the exact weight under the mouse, palette choice and export. */
final class HeadView extends BorderPane {
    final AttentionHeatmap heatmap = new AttentionHeatmap();
    final Label title = Texts.label("explore.openHead");
    final Label hover = new Label(" ");
    final ChoiceBox<Palette> palette = new ChoiceBox<>();
    final ChoiceBox<ColorScale> scale = new ChoiceBox<>();
    private final Consumer<String> onError;
    private final ExportShown onExport;

    /** Where a running export is shown (its progress, then what it did) and cancelled. */
    @FunctionalInterface
    interface ExportShown {
        void show(Task<?> export, String doneText, String cancelledText);
    }

    HeadView(Consumer<String> onError, ExportShown onExport) {
        this.onError = onError;
        this.onExport = onExport;
        heatmap.setId("heatmap");
        hover.setId("hoverLabel");
        hover.getStyleClass().add("hover-label");
        title.getStyleClass().add("view-title");
        title.setWrapText(true); // a long title takes two lines (presenting cut "Open a head from the gr…")
        title.setMinHeight(Region.USE_PREF_SIZE);
        StringBinding hint = I18n.bind("explore.heatmapHint");
        hover.textProperty().bind(Bindings.createStringBinding(() -> heatmap.hoverTextProperty().get().isEmpty()
                ? hint.get() : heatmap.hoverTextProperty().get(), heatmap.hoverTextProperty(), hint));
        palette.getItems().addAll(Palette.VIRIDIS, Palette.CIVIDIS);
        palette.setValue(Palette.VIRIDIS);
        HoverTips.installText(palette, "head.paletteTip");
        palette.valueProperty().addListener((o, a, p) -> heatmap.setPalette(p));
        scale.getItems().addAll(ColorScale.values());
        Texts.names(scale.converterProperty(), ColorScale::toString); // its names follow a language switch
        scale.setValue(heatmap.colorScale());
        HoverTips.installText(scale, "head.scaleTip");
        scale.valueProperty().addListener((o, a, v) -> heatmap.setColorScale(v));
        Button fit = Texts.bind(new Button(), "explore.fit");
        fit.setOnAction(e -> heatmap.fit());
        MenuButton export = Texts.bind(new MenuButton(), "explore.export");
        export.setId("exportMenu");
        export.getItems().addAll(item("head.exportPng", "png", this::pngWriter),
                item("head.exportSvg", "svg", this::svgWriter), item("head.exportCsv", "csv", this::csvWriter));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(6, title, spacer, scale, palette, fit, export);
        for (Region r : new Region[] {scale, palette, fit, export}) {
            r.setMinWidth(Region.USE_PREF_SIZE); // the title gives way ("..."), never a control's name ("squa..")
        }
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4));
        setTop(bar);
        setCenter(heatmap);
        setBottom(hover);
    }

    void show(AttentionMatrix m) {
        show(new AttentionHeatmap.Prepared(m));
    }

    /** Shows a map prepared off the FX thread (a long run's exact head). */
    void show(AttentionHeatmap.Prepared p) {
        AttentionMatrix m = p.matrix();
        title.textProperty().unbind();
        title.setText(m.title() + "  (" + m.rows() + " \u00d7 " + m.cols() + ")");
        heatmap.setPrepared(p);
    }

    void clear() {
        Texts.bind(title, "explore.openHead");
        heatmap.setMatrix(null);
    }

    /**
     * An export's writer of a path, holding what it writes as taken on the FX thread (snapshot, matrix, colours);
     * told each row written, which may stop it.
     */
    interface Writer {
        void write(Path p, MatrixExport.Rows rows) throws IOException;
    }

    /** Takes what the export writes from the view (FX thread); the returned writer runs off it. */
    private interface Export {
        Writer capture();
    }

    private MenuItem item(String key, String ext, Export export) {
        MenuItem it = new MenuItem();
        it.textProperty().bind(I18n.bind(key));
        it.setOnAction(e -> {
            if (heatmap.matrix() == null) {
                onError.accept(I18n.text("head.nothingToExport"));
                return;
            }
            FileChooser fc = new FileChooser();
            fc.setInitialFileName(heatmap.matrix().title().replaceAll("[^A-Za-z0-9]+", "-") + "." + ext);
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter(ext.toUpperCase(), "*." + ext));
            File f = fc.showSaveDialog(getScene().getWindow());
            if (f != null) {
                Task<File> t = export(f, heatmap.matrix().rows(), export.capture());
                t.setOnFailed(ev -> onError.accept(I18n.text("head.exportFailed", f.getName(),
                        ErrorMessages.describe(I18n.locale(), t.getException()))));
                onExport.show(t, I18n.text("head.exported", f.getName()), I18n.text("head.exportCancelled", f.getName()));
            }
        });
        return it;
    }

    /**
     * Writes {@code f} with {@code w} on the file thread: "n of rows, about s left" as it goes, stopped at the next row
     * once the task is cancelled (the file is then not written and an existing one left as it was).
     */
    static Task<File> export(File f, int rows, Writer w) {
        String what = I18n.text("head.exporting", f.getName());
        Countdown countdown = new Countdown(what, rows);
        return FileWrites.start(what, progress -> {
            w.write(f.toPath(), (done, total) -> {
                if (progress.cancelled()) {
                    throw new CancellationException();
                }
                progress.update(countdown.text(done), done, total);
            });
            return f;
        });
    }

    void exportPng(Path p) throws IOException { pngWriter().write(p, MatrixExport.Rows.NONE); }

    void exportSvg(Path p) throws IOException { svgWriter().write(p, MatrixExport.Rows.NONE); }

    void exportCsv(Path p) throws IOException { csvWriter().write(p, MatrixExport.Rows.NONE); }

    private Writer pngWriter() {
        var image = MatrixExport.snapshot(heatmap);
        return (p, rows) -> MatrixExport.png(image, p); // the view's size: quick whatever the matrix
    }

    private Writer svgWriter() {
        var m = heatmap.matrix();
        var palette = heatmap.palette();
        var scale = heatmap.colorScale();
        return (p, rows) -> MatrixExport.svg(m, palette, scale, p, rows);
    }

    private Writer csvWriter() {
        var m = heatmap.matrix();
        return (p, rows) -> MatrixExport.csv(m, p, rows);
    }
}
