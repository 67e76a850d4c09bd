package dev.glassbox.engine.train;

import java.util.List;

import dev.glassbox.engine.context.LearnedCompression;

/**
 * The Compressive Transformer's learned compression function f_c (Rae et al. 2020, sec. 3.1, "1D convolution" with
 * kernel = stride = c, the paper's best variant): per layer, one convolution over the rotated keys and one over the
 * values of {@code rate} consecutive memory positions, each giving one compressed slot. Glassbox keeps memories as
 * rotated keys and values (as the context lab's {@code CompressiveMemory} does), so f_c acts on those: a slot's key
 * is conv(k) rather than the paper's W_k conv(h) over the layer inputs h. Both are linear in the compressed
 * positions' states; this one gives keys and values separate filters and needs no position for the slot's rotation.
 *
 * <p>Checkpoint tensors (Glassbox-specific): {@code model.layers.L.glassbox_compress.k_conv.weight} and
 * {@code ...v_conv.weight}, each [kvDim, kvDim * rate] with element (o, i * rate + j) = PyTorch
 * {@code Conv1d(kvDim, kvDim, kernel_size=rate, stride=rate, bias=False).weight[o, i, j]}. Initialised to mean
 * pooling (w = I / rate), so training starts from fn=mean. Trained only by the attention-reconstruction loss
 * ({@link ReconstructionLoss}); the language-model loss does not reach it.
 */
final class CompressionConv {
    /** What every compression tensor's name contains ({@link LearnedCompression#tensorName}). */
    static final String NAME_PART = ".glassbox_compress.";

    final int rate;
    final int kv;
    private final Param[] key;
    private final Param[] value;

    CompressionConv(int layers, int kv, int rate, List<Param> params) {
        this.rate = rate;
        this.kv = kv;
        key = new Param[layers];
        value = new Param[layers];
        for (int l = 0; l < layers; l++) {
            key[l] = new Param(LearnedCompression.tensorName(l, "k"), kv, kv * rate);
            value[l] = new Param(LearnedCompression.tensorName(l, "v"), kv, kv * rate);
            params.add(key[l]);
            params.add(value[l]);
        }
    }

    Param key(int layer) { return key[layer]; }

    Param value(int layer) { return value[layer]; }

    /** Sets every layer's convolution to mean pooling: w[o, i, j] = [o == i] / rate. */
    void initialiseAsMean() {
        for (int l = 0; l < key.length; l++) {
            for (Param p : new Param[] {key[l], value[l]}) {
                System.arraycopy(meanWeights(kv, rate), 0, p.value(), 0, p.size());
            }
        }
    }

    /** The fixed weights that make {@link #apply} mean pooling (used to measure fn=mean's reconstruction loss). */
    static float[] meanWeights(int kv, int rate) {
        float[] w = new float[kv * kv * rate];
        for (int i = 0; i < kv; i++) {
            for (int j = 0; j < rate; j++) {
                w[i * kv * rate + i * rate + j] = 1f / rate;
            }
        }
        return w;
    }

    /** One compressed slot from rows row..row+rate-1 of a [*, kv] matrix (the lab's arithmetic, so both agree). */
    static void apply(float[] w, float[] x, int row, float[] out, int outOff, int kv, int rate) {
        LearnedCompression.convolve(w, x, row, out, outOff, kv, rate);
    }

    /** Backward of {@link #apply}: dw += dOut x^T (when dw != null), dx += w^T dOut (when dx != null). */
    static void backward(float[] w, float[] dw, float[] x, float[] dx, int row, float[] dOut, int outOff, int kv, int rate) {
        for (int o = 0; o < kv; o++) {
            float g = dOut[outOff + o];
            if (g == 0f) continue;
            int wo = o * kv * rate;
            for (int i = 0; i < kv; i++) {
                for (int j = 0; j < rate; j++) {
                    int xi = (row + j) * kv + i;
                    if (dw != null) dw[wo + i * rate + j] += g * x[xi];
                    if (dx != null) dx[xi] += w[wo + i * rate + j] * g;
                }
            }
        }
    }

    /** The compressed keys or values of the mask's slots, [batch, slots, kv], from rows [batch * seq, kv]. */
    static float[] slots(float[] w, float[] x, AttentionMask m, int batch, int kv, int rate) {
        float[] out = new float[batch * m.slots * kv];
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < m.slots; s++) {
                apply(w, x, b * m.seq + m.slotFrom[s], out, (b * m.slots + s) * kv, kv, rate);
            }
        }
        return out;
    }

    /** Backward of {@link #slots} into the source rows only (the language-model loss does not train f_c). */
    static void slotsBackward(float[] w, float[] dx, float[] dSlots, AttentionMask m, int batch, int kv, int rate) {
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < m.slots; s++) {
                backward(w, null, null, dx, b * m.seq + m.slotFrom[s], dSlots, (b * m.slots + s) * kv, kv, rate);
            }
        }
    }
}
