package dev.glassbox.engine.context;

import dev.glassbox.engine.model.Rope;
import dev.glassbox.engine.model.RopeStyle;

/**
 * Training-free RoPE scaling for lengths past the trained length {@code original}: frequencies and the
 * attention factor for a scale {@code s}.
 */
public enum RopeScaling {
    /** Position Interpolation (Chen et al. 2023, eq. 4): positions divided by s, i.e. every frequency / s. */
    PI,
    /** NTK-aware scaling (bloc97 2023; YaRN paper eq. 13): base' = base * s^(d / (d - 2)). */
    NTK,
    /** Dynamic NTK (emozilla 2023, as in HF transformers): NTK with s' = s * len / original - (s - 1) once len > original. */
    DYNAMIC_NTK,
    /**
     * YaRN (Peng et al. 2023, eqs. 18-21) with Hugging Face's ramp ({@code _compute_yarn_parameters}): the dimensions
     * whose rotation counts over the trained length are beta_fast and beta_slow are found (eq. 17, floored and ceiled)
     * and the blend between extrapolation and PI is linear in the dimension index between them; logits scaled by
     * (0.1 ln s + 1)^2. Spec {@code yarn:s=4} (or {@code ramp=hf}).
     */
    YARN,
    /**
     * YaRN with the paper's ramp (sec. 3.2, "NTK-by-parts"): gamma(r) = clamp((r - alpha) / (beta - alpha), 0, 1) with
     * r = L / lambda_d the rotations of dimension d over the trained length L, alpha = 1, beta = 32; the frequency is
     * (1 - gamma) theta_d / s + gamma theta_d, so the blend is linear in r, not in d. Same endpoints as {@link #YARN};
     * between them the two differ. Spec {@code yarn:s=4,ramp=paper}.
     */
    YARN_PAPER;

    /** YaRN's defaults from the paper, section 4.2 (beta and alpha of the ramp). */
    public static final double BETA_FAST = 32;
    public static final double BETA_SLOW = 1;

    /** The rope to use when the sequence currently has {@code length} positions. */
    public Rope rope(RopeStyle style, int headDim, double base, double s, int original, int length) {
        int half = headDim / 2;
        float[] f = new float[half];
        double attention = 1;
        switch (this) {
            case PI -> {
                for (int i = 0; i < half; i++) f[i] = (float) (Math.pow(base, -2.0 * i / headDim) / s);
            }
            case NTK -> fill(f, base * Math.pow(s, headDim / (headDim - 2.0)), headDim);
            case DYNAMIC_NTK -> {
                double sd = length > original ? s * length / original - (s - 1) : 1;
                fill(f, base * Math.pow(sd, headDim / (headDim - 2.0)), headDim);
            }
            case YARN -> {
                double low = Math.max(0, Math.floor(correctionDim(BETA_FAST, headDim, base, original)));
                double high = Math.min(headDim - 1, Math.ceil(correctionDim(BETA_SLOW, headDim, base, original)));
                if (low == high) high += 0.001;
                for (int i = 0; i < half; i++) {
                    double extrap = Math.pow(base, -2.0 * i / headDim);
                    double interp = extrap / s;
                    double ramp = Math.clamp((i - low) / (high - low), 0, 1);
                    double keepExtrap = 1 - ramp; // high-frequency dims (small i) keep their frequency
                    f[i] = (float) (interp * (1 - keepExtrap) + extrap * keepExtrap);
                }
                attention = yarnAttention(s);
            }
            case YARN_PAPER -> {
                for (int i = 0; i < half; i++) {
                    double theta = Math.pow(base, -2.0 * i / headDim);
                    double r = original * theta / (2 * Math.PI); // L / lambda_d, lambda_d = 2 pi / theta_d
                    double gamma = Math.clamp((r - BETA_SLOW) / (BETA_FAST - BETA_SLOW), 0, 1);
                    f[i] = (float) ((1 - gamma) * theta / s + gamma * theta);
                }
                attention = yarnAttention(s);
            }
        }
        return new Rope(style, f, (float) attention);
    }

    /** sqrt(1/t) = 0.1 ln s + 1 (YaRN sec. 3.4); it multiplies q and k, so the logits by its square. */
    private static double yarnAttention(double s) {
        return s > 1 ? 0.1 * Math.log(s) + 1 : 1;
    }

    /** YARN for {@code ramp=hf} (the default), YARN_PAPER for {@code ramp=paper}. */
    static RopeScaling yarn(String ramp, String spec) {
        return switch (ramp.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "hf" -> YARN;
            case "paper" -> YARN_PAPER;
            default -> throw new IllegalArgumentException("ramp must be hf or paper in '" + spec + "', got '" + ramp + "'");
        };
    }

    /** The spec that parses back to this scaling with factor {@code s}, e.g. {@code yarn:s=4,ramp=paper}. */
    String label(String s) {
        return this == YARN_PAPER ? "yarn:s=" + s + ",ramp=paper" : name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ":s=" + s;
    }

    private static void fill(float[] f, double base, int headDim) {
        for (int i = 0; i < f.length; i++) f[i] = (float) Math.pow(base, -2.0 * i / headDim);
    }

    /** The dimension whose wavelength completes {@code rotations} turns over the original length (YaRN eq. 17). */
    static double correctionDim(double rotations, int headDim, double base, int original) {
        return headDim * Math.log(original / (rotations * 2 * Math.PI)) / (2 * Math.log(base));
    }
}
