package dev.glassbox.engine.context;

import dev.glassbox.engine.model.ModelConfig;

/**
 * What a policy costs at a length, counted by running its memory (no weights): the largest KV cache one
 * layer holds and the attention multiply-adds summed over all positions.
 *
 * @param kvBytes        peak key/value cache bytes over all layers (float32)
 * @param attentionFlops QK^T and AV flops over the whole sequence: 2 * 2 * headDim * heads * layers per visible slot
 */
public record Cost(int length, int peakEntries, long kvBytes, long attendedSlots, long attentionFlops) {

    public static Cost of(ContextPolicy policy, int length, ModelConfig c) {
        ContextMemory m = policy.layout().newMemory(1);
        Visible v = new Visible();
        float[] dummy = new float[1];
        long slots = 0;
        int peak = 0;
        for (int t = 0; t < length; t++) {
            m.append(0, t, dummy, dummy, dummy);
            m.visible(0, t, v);
            slots += v.count;
            peak = Math.max(peak, m.entries(0));
        }
        long kv = (long) peak * c.layers() * 2L * c.kvDim() * Float.BYTES;
        long flops = slots * 4L * c.headDim() * c.heads() * c.layers();
        return new Cost(length, peak, kv, slots, flops);
    }
}
