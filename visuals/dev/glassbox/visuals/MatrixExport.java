package dev.glassbox.visuals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import javafx.scene.Node;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;

import dev.glassbox.engine.export.CsvWriter;
import dev.glassbox.engine.io.AtomicFile;

/** Writes what a view shows: a PNG of the node, an SVG of the map, the map's numbers as CSV. */
public final class MatrixExport {
    /**
     * Told after each query row is written ({@code done} of {@code total}); it may stop the export by throwing
     * {@link java.util.concurrent.CancellationException} (the temporary is deleted, the target left as it was).
     */
    @FunctionalInterface
    public interface Rows {
        Rows NONE = (done, total) -> { };

        void written(int done, int total);
    }

    private MatrixExport() {
    }

    /** {@code node} as it is on screen (FX thread); {@link #png(Image, Path)} may then write it on another thread. */
    public static WritableImage snapshot(Node node) {
        return node.snapshot(new SnapshotParameters(), null);
    }

    /** A PNG of {@code img} (a JavaFX image copied into an AWT image, no javafx-swing). */
    public static void png(Image img, Path file) throws IOException {
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        int[] px = new int[w * h];
        PixelReader r = img.getPixelReader();
        r.getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), px, 0, w);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        out.setRGB(0, 0, w, h, px, 0, w);
        AtomicFile.write(file, stream -> {
            if (!ImageIO.write(out, "png", stream)) {
                throw new IOException("no PNG writer available for " + file);
            }
        });
    }

    /**
     * CSV: a header of key labels, then one line per query: its label and every weight at full float precision;
     * {@code rows} is told after each line.
     */
    public static void csv(AttentionMatrix m, Path file, Rows rows) throws IOException {
        try (AtomicFile f = AtomicFile.create(file)) {
            CsvWriter w = new CsvWriter(f.writer());
            List<Object> line = new ArrayList<>(List.of("query"));
            for (int k = 0; k < m.cols(); k++) {
                line.add(k + ":" + m.keyLabels().get(k));
            }
            w.row(line);
            for (int q = 0; q < m.rows(); q++) {
                line.clear();
                line.add(q + ":" + m.queryLabels().get(q));
                for (int k = 0; k < m.cols(); k++) {
                    line.add(m.get(q, k));
                }
                w.row(line);
                rows.written(q + 1, m.rows());
            }
            f.commit();
        }
    }

    /**
     * SVG: one rect per non-zero cell (coloured as on screen) with a title holding the weight; {@code rows} is told
     * after each query row.
     */
    public static void svg(AttentionMatrix m, Palette palette, ColorScale scale, Path file, Rows rows) throws IOException {
        int cell = 12;
        int left = 90;
        int top = 20;
        float max = m.max();
        try (AtomicFile f = AtomicFile.create(file)) {
            Writer w = f.writer();
            w.write(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                    + "font-family=\"sans-serif\" font-size=\"10\">\n", left + m.cols() * cell + 10, top + m.rows() * cell + 10));
            w.write("<title>" + xml(m.title()) + "</title>\n");
            w.write(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#%06x\"/>\n",
                    left, top, m.cols() * cell, m.rows() * cell, palette.argb(0) & 0xFFFFFF));
            for (int q = 0; q < m.rows(); q++) {
                w.write(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                        left - 4, top + q * cell + cell - 2, xml(m.queryLabels().get(q))));
                for (int k = 0; k < m.cols(); k++) {
                    float v = m.get(q, k);
                    if (v == 0) {
                        continue;
                    }
                    w.write(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#%06x\">"
                            + "<title>q=%d k=%d %s</title></rect>\n", left + k * cell, top + q * cell, cell, cell,
                            palette.argb(scale.position(v, max)) & 0xFFFFFF, q, k, Float.toString(v)));
                }
                rows.written(q + 1, m.rows());
            }
            w.write("</svg>\n");
            f.commit();
        }
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
