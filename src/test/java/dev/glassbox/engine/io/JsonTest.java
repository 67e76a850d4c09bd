package dev.glassbox.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void fieldsAreWrittenInTheOrderGiven() throws Exception {
        // Ten fields: Map.of would iterate them in a salted order that differs from this one in most runs.
        List<Object> pairs = new ArrayList<>();
        StringBuilder expected = new StringBuilder("{");
        for (int i = 9; i >= 0; i--) {
            pairs.add("f" + i);
            pairs.add(i);
            expected.append(i < 9 ? "," : "").append("\"f").append(i).append("\":").append(i);
        }
        assertEquals(expected.append('}').toString(), Json.MAPPER.writeValueAsString(Json.fields(pairs.toArray())));
    }

    @Test
    void fieldsRefuseANameWithoutAValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.fields("type", "BPE", "dropout"));
        assertEquals("fields takes names and values in pairs, got 3", e.getMessage());
    }
}
