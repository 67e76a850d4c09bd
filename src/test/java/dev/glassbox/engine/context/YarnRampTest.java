package dev.glassbox.engine.context;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.Rope;
import dev.glassbox.engine.model.RopeStyle;

/** YaRN's two ramps: Hugging Face's (linear in the dimension index) and the paper's (linear in rotations r). */
class YarnRampTest {

    /**
     * Head dim 8, base 10000, s = 4, trained length L = 512: theta_i = 10000^(-i/4) = 1, .1, .01, .001 and
     * r_i = L theta_i / (2 pi) = 81.487, 8.148733, 0.8149, 0.0815.
     * Paper: gamma = clamp((r - 1) / 31, 0, 1) = 1, 7.148733 / 31 = 0.230604, 0, 0, so
     * f_1 = (1 - 0.230604) * 0.1 / 4 + 0.230604 * 0.1 = 0.0422953; f_0 = 1, f_2 = 0.01 / 4, f_3 = 0.001 / 4.
     * Hugging Face: dims 0 .. 2 (floor 0.406, ceil 1.911), ramp i / 2: f_1 = 0.5 * 0.1 + 0.5 * 0.025 = 0.0625.
     */
    @Test
    void paperRampIsLinearInRotationsAndDiffersFromHuggingFacesBetweenTheEnds() {
        Rope paper = RopeScaling.YARN_PAPER.rope(RopeStyle.HALF, 8, 10000, 4, 512, 2048);
        assertArrayEquals(new float[] {1f, 0.0422953f, 0.0025f, 0.00025f}, paper.invFreq(), 1e-7f);
        Rope hf = RopeScaling.YARN.rope(RopeStyle.HALF, 8, 10000, 4, 512, 2048);
        assertArrayEquals(new float[] {1f, 0.0625f, 0.0025f, 0.00025f}, hf.invFreq(), 1e-7f);
        assertEquals(hf.attentionFactor(), paper.attentionFactor(), 0f, "same attention scaling 0.1 ln s + 1");
    }

    @Test
    void specChoosesTheRampAndTheLabelParsesBack() {
        ContextPolicy dflt = ContextPolicy.parse("yarn:s=4", 512);
        ContextPolicy hf = ContextPolicy.parse("yarn:s=4,ramp=hf", 512);
        ContextPolicy paper = ContextPolicy.parse("yarn:s=4,ramp=paper", 512);
        assertEquals(RopeScaling.YARN, ((ContextPolicy.RopeScaled) dflt).scaling());
        assertEquals(RopeScaling.YARN, ((ContextPolicy.RopeScaled) hf).scaling());
        assertEquals(RopeScaling.YARN_PAPER, ((ContextPolicy.RopeScaled) paper).scaling());
        assertEquals("yarn:s=4", dflt.label());
        assertEquals("yarn:s=4,ramp=paper", paper.label());
        assertEquals(paper, ContextPolicy.parse(paper.label(), 512));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ContextPolicy.parse("yarn:ramp=linear", 512));
        assertTrue(e.getMessage().contains("ramp must be hf or paper"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ContextPolicy.parse("pi:s=4,ramp=paper", 512), "ramp is YaRN's only");
    }
}
