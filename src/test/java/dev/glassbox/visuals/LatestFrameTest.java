package dev.glassbox.visuals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Frames published faster than the screen shows them: only the newest is delivered, and the last never lost. */
@ExtendWith(ApplicationExtension.class)
class LatestFrameTest {
    @Start
    void start(Stage stage) {
    }

    /** Waits until {@code got} holds {@code n} values (the delivery happens on a pulse). */
    private static void awaitSize(List<Integer> got, int n) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> got.size() >= n);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void framesPublishedWhileTheFxThreadIsBusyArriveAsTheNewestOnly() throws Exception {
        List<Integer> got = new CopyOnWriteArrayList<>();
        List<Boolean> onFx = new CopyOnWriteArrayList<>();
        LatestFrame<Integer> frames = new LatestFrame<>(v -> {
            got.add(v);
            onFx.add(Platform.isFxApplicationThread());
        });
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Platform.runLater(() -> {
            busy.countDown();
            try {
                release.await(); // the FX thread is busy (a long layout, say) while frames come in
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        busy.await();
        for (int i = 1; i <= 100; i++) {
            frames.publish(i);
        }
        release.countDown();
        awaitSize(got, 1);
        assertEquals(List.of(100), got, "one delivery, of the newest frame");
        frames.publish(101);
        awaitSize(got, 2);
        assertEquals(List.of(100, 101), got, "a later frame is delivered too");
        assertEquals(List.of(true, true), onFx, "on the FX thread");
    }

    @Test
    void theLastFramePublishedIsAlwaysDelivered() throws Exception {
        List<Integer> got = new CopyOnWriteArrayList<>();
        LatestFrame<Integer> frames = new LatestFrame<>(got::add);
        Thread producer = new Thread(() -> {
            for (int i = 1; i <= 20_000; i++) {
                frames.publish(i);
            }
        });
        producer.start();
        producer.join();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !got.isEmpty() && got.getLast() == 20_000);
        for (int i = 1; i < got.size(); i++) {
            assertEquals(true, got.get(i) > got.get(i - 1), "frames arrive in order, none twice: " + got);
        }
    }
}
