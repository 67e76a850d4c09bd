package dev.glassbox.visuals.context;

import java.util.BitSet;

import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;

import dev.glassbox.visuals.CanvasView;
import dev.glassbox.visuals.ColorLegend;
import dev.glassbox.visuals.Palette;
import dev.glassbox.visuals.Theme;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Which keys (x) each query (y) can attend to directly, as an image: at most {@code MAX} pixels a side, each
 * pixel the fraction of its block of query x key cells that is visible, so 4096 tokens stay legible. Blocks with
 * nothing visible take the theme's background; the key below says what the colours mean.
 */
public class CoverageMapView extends CanvasView {
    static final int MAX = 512;

    private final ColorLegend legend = new ColorLegend();
    private BitSet[] direct = new BitSet[0];
    private int[] reach = new int[0];
    private WritableImage image;
    private Theme imageTheme;
    private Palette palette = Palette.VIRIDIS;

    public CoverageMapView() {
        hoverWith(this::describeAt);
        setLegend(legend, LegendSide.BOTTOM);
        showLegend();
        setPrefSize(300, 390);
        setMinSize(120, 160);
    }

    private void showLegend() {
        legend.show(new ColorLegend.Spec(I18n.text("coverage.legend"), palette, null, 0, 100, false,
                I18n.text("coverage.legendDirection")));
    }

    /** @param reach per query, how far back its information reaches at the top layer (may be empty) */
    public void setCoverage(BitSet[] direct, int[] reach) {
        this.direct = direct.clone();
        this.reach = reach.clone();
        this.image = null;
        redraw();
    }

    public void setPalette(Palette p) {
        this.palette = p;
        this.image = null;
        showLegend();
        redraw();
    }

    static WritableImage render(BitSet[] direct, Palette palette, int blank) {
        int n = Math.max(1, direct.length);
        int side = Math.min(MAX, n);
        WritableImage img = new WritableImage(side, side);
        PixelWriter pw = img.getPixelWriter();
        for (int py = 0; py < side; py++) {
            int q0 = (int) ((long) py * n / side);
            int q1 = Math.max(q0 + 1, (int) ((long) (py + 1) * n / side));
            for (int px = 0; px < side; px++) {
                int k0 = (int) ((long) px * n / side);
                int k1 = Math.max(k0 + 1, (int) ((long) (px + 1) * n / side));
                int seen = 0;
                for (int q = q0; q < q1 && q < direct.length; q++) {
                    BitSet b = direct[q];
                    seen += b.get(k0, k1).cardinality();
                }
                double frac = seen / (double) ((q1 - q0) * (k1 - k0));
                pw.setArgb(px, py, seen == 0 ? blank : palette.argb(frac));
            }
        }
        return img;
    }

    /** The read-out at a point: query, key, whether it is visible, and the query's reach. */
    public String describeAt(double x, double y) {
        int n = direct.length;
        double side = Math.min(canvas.getWidth(), canvas.getHeight());
        if (n == 0 || x < 0 || y < 0 || x >= side || y >= side) return null;
        int q = (int) (y / side * n);
        int k = (int) (x / side * n);
        String state = I18n.text(k > q ? "coverage.future" : direct[q].get(k) ? "coverage.visible" : "coverage.hidden");
        String text = I18n.text("coverage.readout", q, k, state, direct[q].cardinality());
        return reach.length > q ? text + I18n.text("coverage.reach", reach[q]) : text;
    }

    /** The image for the current theme (rendered on first use after a change). */
    public WritableImage image() {
        if (image == null || imageTheme != Theme.current()) {
            imageTheme = Theme.current();
            image = render(direct, palette, argb(imageTheme.gridLine()));
        }
        return image;
    }

    @Override
    protected void paint(GraphicsContext g, double w, double h) {
        if (direct.length == 0) {
            paintEmpty(g, w, h, I18n.text("chart.empty"));
            return;
        }
        double side = Math.min(w, h);
        g.setImageSmoothing(false);
        g.drawImage(image(), 0, 0, side, side);
    }
}
