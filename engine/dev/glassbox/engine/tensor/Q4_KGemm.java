package dev.glassbox.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The prefill product of Q4_K weights on 8-bit activations ({@link Q8_KActivations}, as llama.cpp's prefill):
 * integer multiply-adds on 512-bit short vectors, 32 lanes against {@link Gemm}'s 16-lane FMA (the bare multiply-adds
 * ran at 2x the float GEMM on Zen 4, the whole product at 1.2-1.35x: PERFORMANCE.md, "K-quant prefill on integers").
 * Like {@link Gemm}, vectors run over tokens ({@value #PANEL} per panel, two short vectors) and a micro-kernel holds
 * 4 rows x 2 vectors of sums in registers, broadcasting each row's weight per column. The weights are q - 8 (-8..7,
 * {@link QuantGroups#unpackQ4}), so a whole sub-block of 32 products (at most 8 · 127 each) fits a short lane; each
 * sub-block is widened into int sums times its 6-bit scale, and the 8 taken from q comes back as 8 · scale · Σ x_q
 * from the panel's sums. Per super-block the floats follow {@link QuantGroups#dot8Reference} operation by operation,
 * so the result equals the 8-bit decode kernels' reference bit for bit. Only where 512-bit short vectors exist
 * ({@link #AVAILABLE}).
 */
final class Q4_KGemm {
    /** Tokens per panel: two 32-lane short vectors. */
    static final int PANEL = 64;
    /** From this many tokens on the integer product runs (a panel is padded to 64 tokens, so fewer would waste it). */
    static final int FROM = 48;
    /**
     * Whether the machine has the 512-bit short vectors the kernel is written for and the 8-bit kernels are on
     * ({@code -Dglassbox.kquant8}; {@code -Dglassbox.q4gemm=false} keeps the float GEMM, to measure one against the other).
     */
    static final boolean AVAILABLE = QuantGroups.WIDE && QuantGroups.INT8
            && !"false".equals(System.getProperty("glassbox.q4gemm"));
    private static final int GROUP = QuantGroups.GROUP;
    private static final int SUB = 32;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;

    private Q4_KGemm() {
    }

    /**
     * A batch's activations quantised per token and packed by panels of {@value #PANEL} tokens, token t at lane
     * {@code t % 64} of panel {@code t / 64}: {@code q[(p * cols + c) * 64 + lane]}, {@code d[(p * blocks + b) * 64 +
     * lane]}, and the sums of x_q over each sub-block of 32 {@code sums[(p * subs + j) * 64 + lane]}; tokens past the
     * count are zero (their products are zero and dropped). The arrays are this thread's (valid until its next
     * {@code of}).
     */
    record Panels(short[] q, float[] d, int[] sums, int panels, int cols) {
        static Panels of(float[][] xs, int count, int cols) {
            int panels = (count + PANEL - 1) / PANEL;
            int blocks = cols / KQuantTensor.QK;
            int subs = cols / SUB;
            Buffers buf = BUFFERS.get();
            short[] q = buf.q = grown(buf.q, panels * cols * PANEL);
            float[] d = buf.d = buf.d.length >= panels * blocks * PANEL ? buf.d : new float[panels * blocks * PANEL];
            int[] sums = buf.sums = buf.sums.length >= panels * subs * PANEL ? buf.sums : new int[panels * subs * PANEL];
            int last = (panels - 1) * PANEL; // padding lanes: each lane is its own token and dropped, zeros keep it tidy
            java.util.Arrays.fill(q, last * cols, panels * cols * PANEL, (short) 0);
            java.util.Arrays.fill(d, last * blocks, panels * blocks * PANEL, 0f);
            java.util.Arrays.fill(sums, last * subs, panels * subs * PANEL, 0);
            for (int t = 0; t < count; t++) {
                Q8_KActivations a = Q8_KActivations.of(xs[t], cols);
                int p = t / PANEL;
                int lane = t % PANEL;
                for (int c = 0, at = p * cols * PANEL + lane; c < cols; c++, at += PANEL) {
                    q[at] = a.q[c];
                }
                for (int b = 0; b < blocks; b++) {
                    d[(p * blocks + b) * PANEL + lane] = a.d[b];
                }
                for (int j = 0; j < subs; j++) {
                    sums[(p * subs + j) * PANEL + lane] = a.bsums[2 * j] + a.bsums[2 * j + 1];
                }
            }
            return new Panels(q, d, sums, panels, cols);
        }
    }

    /**
     * A thread's arrays, reused: a 512-token prefill of the 110M shape runs ~200 of these products, and fresh arrays
     * for each grew the heap (peak RSS +36 MiB).
     */
    private static final class Buffers {
        short[] q = new short[0];
        float[] d = new float[0];
        int[] sums = new int[0];
        short[] tile = new short[0];
        final short[] shorts = new short[4 * PANEL];
        final int[] isum = new int[4 * PANEL];
        final float[] acc = new float[GROUP * PANEL];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private static short[] grown(short[] a, int n) {
        return a.length >= n ? a : new short[n];
    }

    /** {@code outs[t][r] = row r · x_t} for rows [from, to) and tokens t < count, group by group of 16 rows. */
    static void multiply(QuantGroups w, Panels x, int count, float[][] outs, int from, int to) {
        int cols = x.cols();
        Buffers buf = BUFFERS.get();
        buf.tile = grown(buf.tile, cols * GROUP);
        Work k = new Work(w, x, buf.tile, buf.shorts, buf.isum, buf.acc);
        for (int g = from / GROUP; g * GROUP < to && from < to; g++) {
            w.unpackQ4(g, k.tile);
            int r0 = g * GROUP;
            for (int p = 0; p < x.panels(); p++) {
                for (int l = 0; l < GROUP; l += 4) {
                    k.rows4(g, l, p);
                }
                // token by token, so each token's output line is visited once (rows first cost a fifth of the
                // product: the token arrays lie 8 KiB apart, one L1 set)
                int tokens = Math.min(PANEL, count - p * PANEL);
                int lo = Math.max(from, r0) - r0;
                int hi = Math.min(to, r0 + GROUP) - r0;
                for (int t = 0; t < tokens; t++) {
                    float[] o = outs[p * PANEL + t];
                    for (int l = lo; l < hi; l++) {
                        o[r0 + l] = k.acc[l * PANEL + t];
                    }
                }
            }
        }
    }

    /**
     * One thread's buffers: the group's q - 8 ({@code tile[c * 16 + l]}), the int sums of 4 rows and the float sums of
     * the group's 16 ({@code acc[l * 64 + lane]}).
     */
    private record Work(QuantGroups w, Panels x, short[] tile, short[] shorts, int[] isum, float[] acc) {

        /** Rows l..l+3 of group g times panel p into {@code acc[(l + i) * 64 + lane]}; written out in full (see Gemm). */
        void rows4(int g, int l, int p) {
            int cols = x.cols();
            int blocks = cols / KQuantTensor.QK;
            int subs = cols / SUB;
            short[] xq = x.q();
            short[] wq = tile;
            int[] ia = isum;
            short[] sv = shorts;
            int[] sums = x.sums();
            byte[] sc = w.scaleBytes();
            byte[] mn = w.minBytes();
            float[] dw = w.blockScales();
            float[] dm = w.blockMins();
            java.util.Arrays.fill(acc, l * PANEL, (l + 4) * PANEL, 0f);
            int xb = p * cols * PANEL;
            for (int b = 0; b < blocks; b++) {
                java.util.Arrays.fill(ia, 0);
                for (int j = b * 8; j < b * 8 + 8; j++) {
                    int s = (g * subs + j) * GROUP + l;
                    ShortVector s00 = ShortVector.zero(S), s01 = ShortVector.zero(S);
                    ShortVector s10 = ShortVector.zero(S), s11 = ShortVector.zero(S);
                    ShortVector s20 = ShortVector.zero(S), s21 = ShortVector.zero(S);
                    ShortVector s30 = ShortVector.zero(S), s31 = ShortVector.zero(S);
                    for (int c = j * SUB, xi = xb + c * PANEL, wi = c * GROUP + l; c < (j + 1) * SUB;
                         c++, xi += PANEL, wi += GROUP) {
                        ShortVector x0 = ShortVector.fromArray(S, xq, xi);
                        ShortVector x1 = ShortVector.fromArray(S, xq, xi + 32);
                        short v = wq[wi];
                        s00 = x0.mul(v).add(s00);
                        s01 = x1.mul(v).add(s01);
                        v = wq[wi + 1];
                        s10 = x0.mul(v).add(s10);
                        s11 = x1.mul(v).add(s11);
                        v = wq[wi + 2];
                        s20 = x0.mul(v).add(s20);
                        s21 = x1.mul(v).add(s21);
                        v = wq[wi + 3];
                        s30 = x0.mul(v).add(s30);
                        s31 = x1.mul(v).add(s31);
                    }
                    // Σ q x_q = Σ (q - 8) x_q + 8 Σ x_q, per token lane, times the row's scale; through memory in a
                    // loop: written out, the method's C2 compilation peaked at 57 MB of arena (+36 MiB peak RSS)
                    s00.intoArray(sv, 0);
                    s01.intoArray(sv, 32);
                    s10.intoArray(sv, 64);
                    s11.intoArray(sv, 96);
                    s20.intoArray(sv, 128);
                    s21.intoArray(sv, 160);
                    s30.intoArray(sv, 192);
                    s31.intoArray(sv, 224);
                    int xs = (p * subs + j) * PANEL;
                    for (int i = 0, o = 0; i < 4; i++) {
                        int c = sc[s + i];
                        for (int h = 0; h < PANEL; h += 32, o += 32) {
                            ShortVector v = ShortVector.fromArray(S, sv, o);
                            ((IntVector) v.convertShape(VectorOperators.S2I, I, 0))
                                    .add(IntVector.fromArray(I, sums, xs + h).lanewise(VectorOperators.LSHL, 3))
                                    .mul(c).add(IntVector.fromArray(I, ia, o)).intoArray(ia, o);
                            ((IntVector) v.convertShape(VectorOperators.S2I, I, 1))
                                    .add(IntVector.fromArray(I, sums, xs + h + 16).lanewise(VectorOperators.LSHL, 3))
                                    .mul(c).add(IntVector.fromArray(I, ia, o + 16)).intoArray(ia, o + 16);
                        }
                    }
                }
                // per row: acc = fma(isum, d * dx, acc) - msum * (dmin * dx), msum = Σ_j min_j Σ x_q (dot8Reference)
                int dx = (p * blocks + b) * PANEL;
                for (int i = 0; i < 4; i++) {
                    int at = (g * blocks + b) * GROUP + l + i;
                    float dwr = dw[at];
                    float dmr = dm[at];
                    int m = (g * subs + b * 8) * GROUP + l + i;
                    for (int v = 0; v < PANEL; v += 16) {
                        IntVector ms = IntVector.zero(I);
                        for (int j = 0, xs = (p * subs + b * 8) * PANEL + v; j < 8; j++, xs += PANEL) {
                            ms = IntVector.fromArray(I, sums, xs).mul(mn[m + j * GROUP]).add(ms);
                        }
                        FloatVector dxv = FloatVector.fromArray(F, x.d(), dx + v);
                        int o = (l + i) * PANEL + v;
                        FloatVector a = ((FloatVector) IntVector.fromArray(I, ia, i * PANEL + v).convert(VectorOperators.I2F, 0))
                                .fma(dxv.mul(dwr), FloatVector.fromArray(F, acc, o));
                        a.sub(((FloatVector) ms.convert(VectorOperators.I2F, 0)).mul(dxv.mul(dmr))).intoArray(acc, o);
                    }
                }
            }
        }
    }
}
