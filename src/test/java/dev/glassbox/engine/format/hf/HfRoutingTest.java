package dev.glassbox.engine.format.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.model.ExpertRouter;

/** Mixtral's expert keys and the Glassbox routing keys in config.json, with errors naming the key and range. */
class HfRoutingTest {

    private static Path config(Path dir, String json) throws Exception {
        Path f = dir.resolve("config.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void readsMixtralExpertsAndGlassboxRouterKeys(@TempDir Path tmp) throws Exception {
        HfRouting r = HfRouting.read(config(tmp, "{\"model_type\":\"mixtral\",\"num_local_experts\":8,\"num_experts_per_tok\":2}"));
        assertEquals(new HfRouting(8, 2, ExpertRouter.Kind.TOPK, 0), r);
        HfRouting h = HfRouting.read(config(tmp, "{\"model_type\":\"mixtral\",\"num_local_experts\":4,\"num_experts_per_tok\":1,"
                + "\"glassbox_router\":\"hash\"}"));
        assertEquals(ExpertRouter.Kind.HASH, h.router());
        HfRouting dense = HfRouting.read(config(tmp, "{\"model_type\":\"llama\",\"glassbox_random_routing_p\":0.25}"));
        assertEquals(new HfRouting(0, 0, ExpertRouter.Kind.TOPK, 0.25), dense);
    }

    @Test
    void badValuesAreRefusedWithTheAllowedRange(@TempDir Path tmp) throws Exception {
        var e = assertThrows(FormatException.class, () -> HfRouting.read(config(tmp,
                "{\"model_type\":\"mixtral\",\"num_local_experts\":4,\"num_experts_per_tok\":5}")));
        assertTrue(e.getMessage().contains("num_experts_per_tok must be in 1..4"), e.getMessage());
        e = assertThrows(FormatException.class, () -> HfRouting.read(config(tmp, "{\"model_type\":\"mixtral\",\"num_experts_per_tok\":1}")));
        assertTrue(e.getMessage().contains("num_local_experts"), e.getMessage());
        e = assertThrows(FormatException.class, () -> HfRouting.read(config(tmp,
                "{\"model_type\":\"mixtral\",\"num_local_experts\":4,\"num_experts_per_tok\":2,\"glassbox_router\":\"hash\"}")));
        assertTrue(e.getMessage().contains("one expert"), e.getMessage());
        e = assertThrows(FormatException.class, () -> HfRouting.read(config(tmp, "{\"model_type\":\"llama\",\"glassbox_random_routing_p\":1.5}")));
        assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
    }
}
