package dev.glassbox.app.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A download's speed: unknown for a second after the first byte, then the bytes over the last five seconds. */
class TransferRateTest {
    private static final long MS = 1_000_000L;

    @Test
    void unknownUntilASecondAfterTheFirstByteWhateverCameBefore() {
        TransferRate r = new TransferRate();
        long t0 = 7_000 * MS; // the listing and the connection took seconds before it
        r.sample(t0 - 3_000 * MS, 0);
        assertEquals(0, r.bytesPerSecond(t0 - 3_000 * MS));
        r.sample(t0, 65_536);
        r.sample(t0 + 500 * MS, 65_536 + 500_000);
        assertEquals(0, r.bytesPerSecond(t0 + 500 * MS), "half a second after the first byte");
        r.sample(t0 + 1_000 * MS, 65_536 + 1_000_000);
        assertEquals(1_000_000, r.bytesPerSecond(t0 + 1_000 * MS), 1e-6, "1 MB in the second after the first byte");
    }

    @Test
    void followsTheLastFiveSecondsSmoothly() {
        TransferRate r = new TransferRate();
        long bytes = 0;
        for (int i = 0; i <= 100; i++) { // 10 s at 1 MB/s, sampled every 100 ms
            r.sample(i * 100 * MS, bytes);
            bytes += 100_000;
        }
        bytes -= 100_000;
        assertEquals(1_000_000, r.bytesPerSecond(10_000 * MS), 1e-6);
        for (int i = 1; i <= 10; i++) { // then a second at 3 MB/s
            bytes += 300_000;
            r.sample(10_000 * MS + i * 100 * MS, bytes);
        }
        // 4 s at 1 MB/s and 1 s at 3 MB/s in the window: 7 MB in 5 s, not the last second's 3 MB/s
        assertEquals(1_400_000, r.bytesPerSecond(11_000 * MS), 1e-6);
    }
}
