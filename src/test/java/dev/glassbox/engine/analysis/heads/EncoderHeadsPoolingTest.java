package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.SentencePooling;

/** The sentence-embedding change of an ablation uses the encoder's own pooling (CLS for bge, mean for MiniLM). */
class EncoderHeadsPoolingTest {

    @Test
    void aChangeAwayFromTheFirstPositionMovesOnlyTheMeanPooledEmbedding() {
        float[][] clean = {{1, 0}, {0, 1}};
        float[][] ablated = {{1, 0}, {0, -1}};
        HeadSet set = HeadSet.empty();
        EncoderHeads.SetChange cls = EncoderHeads.SetChange.between(set, SentencePooling.CLS, clean, ablated);
        EncoderHeads.SetChange mean = EncoderHeads.SetChange.between(set, SentencePooling.MEAN, clean, ablated);
        assertEquals(1.0, cls.embeddingCosine(), 1e-12);
        assertEquals(0.0, mean.embeddingCosine(), 1e-12, "mean (0.5, 0.5) vs (0.5, -0.5) are orthogonal");
        assertEquals(cls.hiddenChange(), mean.hiddenChange());
        assertTrue(cls.hiddenChange() > 0);
    }
}
