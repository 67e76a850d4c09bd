package dev.glassbox.visuals;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import javafx.animation.AnimationTimer;
import javafx.application.Platform;

/**
 * Hands the newest value published from any thread to a consumer on the FX thread, at most once a pulse: values
 * published between two pulses replace each other (a fast producer never queues stale frames), and the last one
 * published is always delivered.
 */
public final class LatestFrame<T> {
    private final AtomicReference<T> latest = new AtomicReference<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Consumer<? super T> consumer;
    private final AnimationTimer timer = new AnimationTimer() {
        @Override
        public void handle(long now) {
            deliver();
        }
    };

    public LatestFrame(Consumer<? super T> consumer) {
        this.consumer = consumer;
    }

    /** Delivers {@code value} at the next pulse unless a newer value is published before it. Any thread. */
    public void publish(T value) {
        latest.set(Objects.requireNonNull(value));
        if (scheduled.compareAndSet(false, true)) {
            Platform.runLater(timer::start);
        }
    }

    private void deliver() {
        timer.stop();
        scheduled.set(false); // before taking: a value published from here on schedules the next pulse
        T v = latest.getAndSet(null);
        if (v != null) {
            consumer.accept(v);
        }
    }
}
