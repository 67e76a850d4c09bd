package dev.glassbox.engine.context;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.glassbox.engine.format.hf.SafetensorsFile;

/**
 * A model's learned compression function for {@code compressive:...,fn=conv}: per layer a 1D convolution with
 * kernel = stride = rate over the rotated keys and one over the values of the positions being compressed (Rae et al.
 * 2020, sec. 3.1), as Glassbox's trainer learns it. Stored in model.safetensors as
 * {@code model.layers.L.glassbox_compress.k_conv.weight} / {@code v_conv.weight}, [kvDim, kvDim * rate], element
 * (o, i * rate + j) = PyTorch {@code Conv1d(kvDim, kvDim, rate, stride=rate, bias=False).weight[o, i, j]}.
 *
 * @param key   per layer, the key convolution's weights
 * @param value per layer, the value convolution's weights
 */
public record LearnedCompression(int rate, float[][] key, float[][] value) {

    public LearnedCompression {
        if (rate <= 0 || key.length != value.length) {
            throw new IllegalArgumentException("need a positive rate and one key and value convolution per layer");
        }
    }

    /** The tensor name of layer {@code layer}'s key ({@code "k"}) or value ({@code "v"}) convolution. */
    public static String tensorName(int layer, String kOrV) {
        return "model.layers." + layer + ".glassbox_compress." + kOrV + "_conv.weight";
    }

    /** The convolutions stored with the model at {@code source} (folder or a file in it), if it has them. */
    public static Optional<LearnedCompression> read(Path source, int layers) {
        if (source == null) return Optional.empty();
        Path file = Files.isDirectory(source) ? source.resolve("model.safetensors") : source.resolveSibling("model.safetensors");
        if (!Files.isRegularFile(file)) return Optional.empty();
        try {
            SafetensorsFile f = SafetensorsFile.open(file);
            if (!f.contains(tensorName(0, "k"))) return Optional.empty();
            float[][] k = new float[layers][];
            float[][] v = new float[layers][];
            long[] shape = f.entry(tensorName(0, "k")).shape();
            for (int l = 0; l < layers; l++) {
                k[l] = f.floats(tensorName(l, "k"));
                v[l] = f.floats(tensorName(l, "v"));
            }
            return Optional.of(new LearnedCompression((int) (shape[1] / shape[0]), k, v));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the compression weights in " + file, e);
        }
    }

    /**
     * One compressed slot: out[outOff + o] = sum_{i, j} w[o, i * rate + j] * x[(row + j) * width + i] over the
     * {@code rate} rows starting at {@code row} of a [*, width] matrix (the trainer computes its slots with this too).
     */
    public static void convolve(float[] w, float[] x, int row, float[] out, int outOff, int width, int rate) {
        for (int o = 0; o < width; o++) {
            double s = 0;
            int wo = o * width * rate;
            for (int i = 0; i < width; i++) {
                for (int j = 0; j < rate; j++) {
                    s += (double) w[wo + i * rate + j] * x[(row + j) * width + i];
                }
            }
            out[outOff + o] = (float) s;
        }
    }
}
