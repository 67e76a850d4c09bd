import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * Glassbox's icon, drawn from one description into an SVG and PNGs of the sizes desktops ask for: a glass cube (a
 * model you can see into) around a glowing amber core, on a dark rounded square. Run by the installer build
 * ({@code java packaging/icon/GlassboxIcon.java OUT_DIR}); only the JDK is needed (Java2D, headless), and the same
 * input always gives the same files.
 */
public final class GlassboxIcon {
    static final int[] SIZES = {16, 24, 32, 48, 64, 128, 256, 512};
    private static final double UNIT = 256;

    private record Face(double[] xy, int rgb, double alpha) {
    }

    // An isometric cube on the 256-unit canvas: the top face and the two front faces, lighter towards the top.
    private static final double[] TOP = {128, 40, 212, 88, 128, 136, 44, 88};
    private static final double[] LEFT = {44, 88, 128, 136, 128, 228, 44, 180};
    private static final double[] RIGHT = {128, 136, 212, 88, 212, 180, 128, 228};
    private static final List<Face> FACES = List.of(new Face(TOP, 0x8FDDFF, 0.42), new Face(LEFT, 0x6CC6F0, 0.26),
            new Face(RIGHT, 0x4FA8D8, 0.16));
    private static final int BACKGROUND_TOP = 0x2E3F5C;
    private static final int BACKGROUND_BOTTOM = 0x121A28;
    private static final int EDGE = 0xEAF7FF;
    private static final int CORE = 0xFFB547;
    /** The hidden corner's three edges, seen faintly through the glass. */
    private static final double[] BACK = {128, 132, 44, 180, 128, 132, 212, 180, 128, 132, 128, 40};
    private static final double BACK_ALPHA = 0.35, BACK_WIDTH = 5;
    private static final double CORE_X = 128, CORE_Y = 148, CORE_R = 30, EDGE_WIDTH = 9;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java GlassboxIcon.java OUT_DIR");
            System.exit(2);
        }
        Path out = Files.createDirectories(Path.of(args[0]));
        Files.writeString(out.resolve("glassbox.svg"), svg());
        for (int size : SIZES) {
            ImageIO.write(png(size), "png", out.resolve("glassbox-" + size + ".png").toFile());
        }
    }

    static String svg() {
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"256\" height=\"256\" viewBox=\"0 0 256 256\">\n");
        s.append("  <defs><linearGradient id=\"bg\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">")
                .append("<stop offset=\"0\" stop-color=\"").append(hex(BACKGROUND_TOP)).append("\"/>")
                .append("<stop offset=\"1\" stop-color=\"").append(hex(BACKGROUND_BOTTOM)).append("\"/>")
                .append("</linearGradient></defs>\n");
        s.append("  <rect x=\"12\" y=\"12\" width=\"232\" height=\"232\" rx=\"48\" fill=\"url(#bg)\"/>\n");
        for (int i = 0; i < BACK.length; i += 4) {
            s.append(String.format(Locale.ROOT, "  <line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-opacity=\"%s\""
                    + " stroke-width=\"%s\" stroke-linecap=\"round\"/>%n", num(BACK[i]), num(BACK[i + 1]), num(BACK[i + 2]),
                    num(BACK[i + 3]), hex(EDGE), num(BACK_ALPHA), num(BACK_WIDTH)));
        }
        s.append(String.format(Locale.ROOT, "  <circle cx=\"%s\" cy=\"%s\" r=\"%s\" fill=\"%s\"/>%n", num(CORE_X), num(CORE_Y),
                num(CORE_R), hex(CORE)));
        for (Face f : FACES) {
            s.append("  <polygon points=\"").append(points(f.xy())).append("\" fill=\"").append(hex(f.rgb()))
                    .append("\" fill-opacity=\"").append(num(f.alpha())).append("\"/>\n");
        }
        for (Face f : FACES) {
            s.append("  <polygon points=\"").append(points(f.xy())).append("\" fill=\"none\" stroke=\"").append(hex(EDGE))
                    .append("\" stroke-width=\"").append(num(EDGE_WIDTH)).append("\" stroke-linejoin=\"round\"/>\n");
        }
        return s.append("</svg>\n").toString();
    }

    static BufferedImage png(int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.scale(size / UNIT, size / UNIT);
        g.setPaint(new GradientPaint(0, 12, new Color(BACKGROUND_TOP), 0, 244, new Color(BACKGROUND_BOTTOM)));
        g.fill(new RoundRectangle2D.Double(12, 12, 232, 232, 96, 96));
        g.setColor(rgba(EDGE, BACK_ALPHA));
        g.setStroke(new BasicStroke((float) BACK_WIDTH, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (int i = 0; i < BACK.length; i += 4) {
            g.draw(new Line2D.Double(BACK[i], BACK[i + 1], BACK[i + 2], BACK[i + 3]));
        }
        g.setColor(new Color(CORE));
        g.fill(new Ellipse2D.Double(CORE_X - CORE_R, CORE_Y - CORE_R, 2 * CORE_R, 2 * CORE_R));
        for (Face f : FACES) {
            g.setColor(rgba(f.rgb(), f.alpha()));
            g.fill(polygon(f.xy()));
        }
        g.setColor(new Color(EDGE));
        g.setStroke(new BasicStroke((float) EDGE_WIDTH, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (Face f : FACES) {
            g.draw(polygon(f.xy()));
        }
        g.dispose();
        return img;
    }

    private static Color rgba(int rgb, double alpha) {
        return new Color(rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF, (int) Math.round(alpha * 255));
    }

    private static Path2D polygon(double[] xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            p.lineTo(xy[i], xy[i + 1]);
        }
        p.closePath();
        return p;
    }

    private static String points(double[] xy) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < xy.length; i += 2) {
            s.append(i == 0 ? "" : " ").append(num(xy[i])).append(',').append(num(xy[i + 1]));
        }
        return s.toString();
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String hex(int rgb) {
        return String.format(Locale.ROOT, "#%06X", rgb);
    }
}
