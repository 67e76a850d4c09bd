package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.glassbox.engine.io.FormatException;

class TaskDataTest {

    @ParameterizedTest
    @EnumSource(SyntheticTask.class)
    void rowsUseOnlyTheTaskAlphabetAndTargetsAreTheNextTokens(SyntheticTask task) {
        TaskData d = new TaskData(task);
        Batch b = d.trainBatch(1, 0, 8, 48);
        int scored = 0;
        for (int i = 0; i < b.inputs().length; i++) {
            assertTrue(b.inputs()[i] > 0 && b.inputs()[i] < d.tokenizer().vocabSize(), task + ": no <unk> in generated text");
            int t = b.targets()[i];
            if (t != CrossEntropy.IGNORE) {
                scored++;
                if ((i + 1) % 48 != 0) {
                    assertEquals(b.inputs()[i + 1], t, "target is the next input");
                }
            }
        }
        assertTrue(scored > 0, task + " scores some positions");
        assertArrayEquals(b.inputs(), d.trainBatch(1, 0, 8, 48).inputs(), "a batch is a function of (seed, step)");
        assertNotEquals(java.util.Arrays.toString(b.inputs()), java.util.Arrays.toString(d.trainBatch(1, 1, 8, 48).inputs()));
    }

    @Test
    void answersAloneAreScoredInReverse() {
        TaskData d = new TaskData(SyntheticTask.REVERSE);
        Example e = SyntheticTask.REVERSE.example(new Random(1), 32);
        String[] parts = e.text().strip().split("=");
        assertEquals(new StringBuilder(parts[0]).reverse().toString(), parts[1]);
        assertEquals(parts[0].length() + 1, e.answerStart());
        assertTrue(d.tokenizer().vocabSize() == 2 + 26 + 2);
    }

    @Test
    void textFileSplitsIntoTrainAndValidation(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("t.txt");
        Files.writeString(f, "the cat sat on the mat. ".repeat(100));
        TextData d = TextData.read(f, 16);
        assertEquals(d.train().length + d.valid().length, 2400);
        assertEquals(2160, d.train().length);
        Batch v = d.validation(2, 16).get(0);
        assertEquals(32, v.inputs().length);

        Files.write(f, new byte[] {(byte) 0xC3, (byte) 0x28});
        FormatException bad = org.junit.jupiter.api.Assertions.assertThrows(FormatException.class, () -> TextData.read(f, 16));
        assertTrue(bad.getMessage().contains("UTF-8"), bad.getMessage());
        Files.writeString(f, "short");
        FormatException small = org.junit.jupiter.api.Assertions.assertThrows(FormatException.class, () -> TextData.read(f, 16));
        assertTrue(small.getMessage().contains("too short"), small.getMessage());
    }
}
