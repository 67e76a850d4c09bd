package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.tensor.Parallel;

/**
 * Central-difference checks ({@link GradCheck}) of the encoder objectives' backward passes: every parameter of the
 * BERT encoder with its MLM head (on examples with token types, soft positions and a visible matrix, as K-BERT feeds
 * them), with the NSP head, and ELECTRA's generator (its MLM loss) and discriminator (the weighted RTD loss).
 */
class EncoderGradientCheckTest {
    private static final EncoderShape SHAPE = new EncoderShape(11, 8, 12, 2, 2, 9, 2, 1e-5f);

    /** Two examples: plain BERT input, and one with types, soft positions and a visible matrix. */
    private static List<EncoderExample> batch(boolean nsp) {
        int none = EncoderExample.NO_LABEL;
        EncoderExample a = new EncoderExample(new int[] {2, 5, 4, 7, 8, 3}, null, null, null,
                new int[] {none, none, 6, none, none, none}, nsp ? EncoderExample.IS_NEXT : none);
        int n = 7;
        boolean[] visible = new boolean[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                boolean inserted = i == 3 || i == 4;
                boolean other = j == 3 || j == 4;
                visible[i * n + j] = inserted == other || i == 2 || j == 2; // token 2 (the entity) sees its triple
            }
        }
        EncoderExample b = new EncoderExample(new int[] {2, 9, 6, 10, 4, 5, 3}, new int[] {0, 0, 0, 0, 1, 1, 1},
                new int[] {0, 1, 2, 3, 4, 3, 4}, visible, new int[] {none, 9, none, none, 7, none, none},
                nsp ? EncoderExample.NOT_NEXT : none);
        return List.of(a, b);
    }

    private static void checkAll(EncoderObjective objective, boolean nsp) {
        try (Parallel par = new Parallel(2)) {
            EncoderModels m = new EncoderModels(objective, SHAPE, SHAPE, 1f, par);
            GradCheck.enlarge(m.params(), new Random(3));
            List<EncoderExample> batch = batch(nsp);
            m.forward(batch, new Random(1));
            m.zeroGrad();
            m.backward();
            for (Param p : m.params()) {
                float[] analytic = p.grad().clone();
                check(objective + " " + p.name(), analytic,
                        GradCheck.numeric(p.value(), () -> m.forward(batch, new Random(1)).total()));
            }
        }
    }

    /**
     * The key bias adds q.b_k to every score of a query's row, which softmax ignores: its true gradient is zero, so it is
     * checked to be (float noise) instead of compared relatively.
     */
    private static void check(String what, float[] analytic, double[] numeric) {
        if (what.endsWith("key.bias")) {
            double a = 0, n = 0;
            for (int i = 0; i < analytic.length; i++) {
                a = Math.max(a, Math.abs(analytic[i]));
                n = Math.max(n, Math.abs(numeric[i]));
            }
            assertTrue(a < 1e-5 && n < 1e-3, what + ": expected zero, got " + a + " (numeric " + n + ")");
            return;
        }
        GradCheck.assertClose(what, analytic, numeric);
    }

    @Test
    void mlmHeadAndEncoderMatchFiniteDifferences() {
        checkAll(EncoderObjective.MLM, false);
    }

    @Test
    void nspHeadMatchesFiniteDifferences() {
        checkAll(EncoderObjective.NSP, true);
    }

    /**
     * The generator's parameters carry the gradient of its MLM loss alone (no gradient through the sampling); the
     * discriminator's own ones that of lambda L_Disc on the fixed sampled tokens. The shared embeddings get both; they
     * are left out here (a perturbed generator may sample other tokens, a jump the differences cannot follow) and
     * checked through the MLM check's identical code path.
     */
    @Test
    void rtdGeneratorAndDiscriminatorMatchFiniteDifferences() {
        try (Parallel par = new Parallel(2)) {
            EncoderShape disc = new EncoderShape(11, 8, 8, 1, 2, 9, 2, 1e-5f);
            EncoderShape gen = new EncoderShape(11, 8, 4, 1, 2, 9, 2, 1e-5f);
            EncoderModels m = new EncoderModels(EncoderObjective.RTD, disc, gen, 3f, par);
            GradCheck.enlarge(m.params(), new Random(5));
            List<EncoderExample> batch = batch(false);
            EncoderModels.Loss l = m.forward(batch, new Random(2));
            assertTrue(l.rtdTokens() == 13 && l.mlm() > 0 && l.disc() > 0, l.toString());
            m.zeroGrad();
            m.backward();
            int checked = 0;
            for (Param p : m.params()) {
                boolean shared = p.name().contains("word_embeddings") || p.name().contains("position_embeddings");
                if (shared) continue;
                boolean generator = p.name().startsWith("generator.");
                float[] analytic = p.grad().clone();
                check("rtd " + p.name(), analytic, GradCheck.numeric(p.value(), () -> {
                    EncoderModels.Loss x = m.forward(batch, new Random(2));
                    return generator ? x.mlm() : x.total() - x.mlm();
                }));
                checked++;
            }
            assertTrue(checked > 30, "checked " + checked);
        }
    }
}
