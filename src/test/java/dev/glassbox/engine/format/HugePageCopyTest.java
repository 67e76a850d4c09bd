package dev.glassbox.engine.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HugePageCopyTest {

    @Test
    void kernelModesThatAllowHugePagesAreRecognised() {
        assertTrue(HugePageCopy.thpAvailable("always [madvise] never\n"));
        assertTrue(HugePageCopy.thpAvailable("[always] madvise never\n"));
        assertFalse(HugePageCopy.thpAvailable("always madvise [never]\n"));
    }

    @Test
    void smallFilesStayMapped() throws IOException {
        assertTrue(HugePageCopy.read(Path.of("pom.xml")).isEmpty());
    }

    @Test
    void aLargeFileReadsTheSameBytesWhetherCopiedOrMapped(@TempDir Path dir) throws IOException {
        int floats = (int) (HugePageCopy.MIN_BYTES / Float.BYTES) + 1234;
        ByteBuffer b = ByteBuffer.allocate(floats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        Random r = new Random(7);
        for (int i = 0; i < floats; i++) {
            b.putFloat(r.nextFloat());
        }
        Path f = dir.resolve("big.bin");
        Files.write(f, b.array());
        MappedFile mapped = MappedFile.open(f);
        String before = System.getProperty(HugePageCopy.PROPERTY);
        MappedFile weights;
        Optional<MemorySegment> copy;
        try {
            assertTrue(HugePageCopy.read(f).isEmpty(), "no copy unless asked for");
            System.setProperty(HugePageCopy.PROPERTY, "true");
            weights = MappedFile.openWeights(f);
            copy = HugePageCopy.read(f);
            assertEquals(HugePageCopy.enabled(), copy.isPresent(), "copied exactly where huge pages are available");
        } finally {
            if (before == null) {
                System.clearProperty(HugePageCopy.PROPERTY);
            } else {
                System.setProperty(HugePageCopy.PROPERTY, before);
            }
        }
        assertEquals(mapped.size(), weights.size());
        if (copy.isPresent()) {
            assertArrayEquals(mapped.segment().toArray(ValueLayout.JAVA_BYTE), copy.get().toArray(ValueLayout.JAVA_BYTE));
        }
        for (long i : new long[] {0, 1, floats / 2, floats - 1}) {
            assertEquals(mapped.segment().get(MappedFile.FLOAT, 4 * i), weights.segment().get(MappedFile.FLOAT, 4 * i));
        }
        assertArrayEquals(mapped.segment().toArray(ValueLayout.JAVA_BYTE), weights.segment().toArray(ValueLayout.JAVA_BYTE));
    }
}
