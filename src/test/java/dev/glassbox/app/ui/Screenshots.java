package dev.glassbox.app.ui;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javafx.scene.Node;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;

import org.testfx.util.WaitForAsyncUtils;

/** Saves a PNG of a node when {@code -Dglassbox.screenshots=<folder>} is given (for the documentation's pictures). */
final class Screenshots {
    private Screenshots() {
    }

    static void save(Node node, String name) throws Exception {
        saveAs(node, size -> name + "-" + size + "-" + dev.glassbox.visuals.i18n.I18n.locale().toLanguageTag() + ".png");
    }

    /** Saves under the file name {@code fileName} makes of the picture's size ("1280x720"). */
    static void saveAs(Node node, java.util.function.Function<String, String> fileName) throws Exception {
        String dir = System.getProperty("glassbox.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        WritableImage img = WaitForAsyncUtils.asyncFx(() -> node.snapshot(null, null)).get();
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        PixelReader px = img.getPixelReader();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(x, y, px.getArgb(x, y));
            }
        }
        try {
            Path p = Path.of(dir);
            Files.createDirectories(p);
            javax.imageio.ImageIO.write(out, "png", p.resolve(fileName.apply(w + "x" + h)).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
