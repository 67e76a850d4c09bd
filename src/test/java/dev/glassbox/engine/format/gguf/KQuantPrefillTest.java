package dev.glassbox.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.testing.SharedData;

/**
 * A K-quant file's batched prefill (100 tokens, one block) against its token-by-token forwards. The Q4_K products of
 * both now round the activations to Q8_K and sum integers (the prefill's through Q4_KGemm), bit for bit alike; the
 * Q5_K and Q6_K products still multiply float activations in the prefill, and an ulp of float difference before a
 * rounding can move a q by one (KQuantGgufParityTest), so the logits differ by 0.13 / 0.32 (q4_k_m / q4_k_s; 0.32 /
 * 0.46 with the float GEMM, {@code -Dglassbox.q4gemm=false}). The bound is 0.5: a wrong layout, scale or bsum in
 * the prefill's product is off by whole logits.
 */
@Tag("shared-data")
class KQuantPrefillTest {

    @ParameterizedTest
    @ValueSource(strings = {"q4_k_m", "q4_k_s"})
    void batchedPrefillMatchesTokenByToken(String stem) throws Exception {
        LoadedModel m = ModelLoader.load(SharedData.require("models/gguf-kquant/kq256-" + stem + ".gguf"), null,
                Parallel.SERIAL);
        int[] tokens = new SplittableRandom(7).ints(100, 0, m.config().vocabSize()).toArray();
        DecoderSession batched = m.decoder().newSession(Capture.none(m.config().layers()));
        float[] last = batched.prefill(tokens, 0).clone();
        DecoderSession stepwise = m.decoder().newSession(Capture.none(m.config().layers()));
        float[] want = null;
        for (int pos = 0; pos < tokens.length; pos++) {
            want = stepwise.forward(tokens[pos], pos);
        }
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i] - last[i]));
        }
        System.out.printf("kq256-%s: max |prefill - stepwise logit| = %.3g%n", stem, max);
        assertTrue(max < 0.5, stem + ": max |logit diff| " + max);
    }
}
