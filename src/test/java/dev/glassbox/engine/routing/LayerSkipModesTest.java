package dev.glassbox.engine.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.tensor.Softmax;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.testing.TinyLlama;

/** The two meanings of "skip layer l": for the predicting token only, or for the whole sequence. */
class LayerSkipModesTest {
    private final LlamaModel model = TinyLlama.model(11, 16, 32, 4, 4, 2, 30, 64);
    private final int[] tokens = new Random(3).ints(10, 0, 30).toArray();

    private List<LayerSkipScan.Row> scan(LayerSkipScan.Mode mode, int[] ids) {
        return LayerSkipScan.run(model, ids, mode, 1, 3, () -> false, l -> { });
    }

    /**
     * The forward runs in float and its vector exp may round differently between runs (CI saw 1.3e-7 relative), so
     * two routes to the same KL agree to float precision, not to double precision.
     */
    private static double floatNoise(double value) {
        return 1e-9 + 1e-5 * Math.abs(value);
    }

    @Test
    void oneTokenCannotTellTheModesApart() {
        // position 0 attends only to itself, so it never reads an earlier token's keys: both modes are one forward
        List<LayerSkipScan.Row> t = scan(LayerSkipScan.Mode.TOKEN, new int[] {tokens[0]});
        List<LayerSkipScan.Row> s = scan(LayerSkipScan.Mode.SEQUENCE, new int[] {tokens[0]});
        for (int l = 0; l < 4; l++) {
            assertEquals(t.get(l).meanKl(), s.get(l).meanKl(), floatNoise(t.get(l).meanKl()), "layer " + l);
        }
    }

    @Test
    void theLastLayerGivesTheSameResultEitherWay() {
        // no later layer reads the skipped layer's output at earlier positions: its keys/values are computed from
        // its input, which skipping it leaves alone
        List<LayerSkipScan.Row> t = scan(LayerSkipScan.Mode.TOKEN, tokens);
        List<LayerSkipScan.Row> s = scan(LayerSkipScan.Mode.SEQUENCE, tokens);
        assertEquals(t.get(3).meanKl(), s.get(3).meanKl(), floatNoise(t.get(3).meanKl()));
        assertEquals(t.get(3).meanNll(), s.get(3).meanNll(), 1e-6);
        assertEquals(t.get(0).fullNll(), s.get(0).fullNll(), 1e-6, "the full-depth reference is the same run");
        assertTrue(Math.abs(t.get(0).meanKl() - s.get(0).meanKl()) > 1e-6,
                "skipping layer 0 for every token also changes what later tokens attend to");
    }

    @Test
    void sequenceModeIsTheModelWithTheLayerRemovedEverywhere() {
        // KL(dense || skip layer 1 at every position) computed directly from two sessions
        DecoderSession dense = model.newSession(Capture.none(4));
        DecoderSession cut = model.newSession(Capture.none(4), new Intervention() {
            @Override
            public boolean skipLayer(int layer, int position) {
                return layer == 1;
            }
        });
        double kl = 0;
        for (int t = 0; t < tokens.length; t++) {
            kl += RouteSampler.kl(Softmax.probabilities(dense.forward(tokens[t], t)),
                    Softmax.probabilities(cut.forward(tokens[t], t))) / tokens.length;
        }
        assertEquals(kl, scan(LayerSkipScan.Mode.SEQUENCE, tokens).get(1).meanKl(), floatNoise(kl));
    }

    @Test
    void modesParseByName() {
        assertEquals(LayerSkipScan.Mode.SEQUENCE, LayerSkipScan.Mode.parse("Sequence"));
        assertEquals(LayerSkipScan.Mode.TOKEN, LayerSkipScan.Mode.parse("token"));
        assertThrows(IllegalArgumentException.class, () -> LayerSkipScan.Mode.parse("layer"));
    }
}
