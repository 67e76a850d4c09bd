package dev.glassbox.app.service;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import dev.glassbox.engine.train.Checkpoint;
import dev.glassbox.engine.train.TrainingControl;

/** How a Train workspace run saves its model on request: never in the middle of a training step. */
final class CheckpointSave {
    /** Writes the model as it is after the latest finished step to a folder. */
    @FunctionalInterface
    interface Writer {
        void write(Path dir) throws Exception;
    }

    private CheckpointSave() {
    }

    /**
     * Runs {@code writer} on {@code dir}: refused unless {@code dir} is a folder Glassbox may write (the rule of
     * train --out, checked on the file thread, since it lists the folder, before waiting for a step); then between two
     * steps while the run trains, or on its own thread at once when {@code ended} (read under {@code lock}, which the
     * run holds when it ends).
     */
    static CompletableFuture<Path> request(Path dir, Object lock, BooleanSupplier ended, TrainingControl control, Writer writer) {
        return FileWrites.run(() -> Checkpoint.folder(dir, "The folder", false)).thenCompose(checked -> {
            CompletableFuture<Path> saved = new CompletableFuture<>();
            Runnable save = () -> {
                try {
                    writer.write(dir);
                    saved.complete(dir);
                } catch (Exception | OutOfMemoryError e) {
                    saved.completeExceptionally(e);
                }
            };
            synchronized (lock) {
                if (ended.getAsBoolean()) {
                    Thread.ofVirtual().name("glassbox-checkpoint").start(save);
                } else {
                    control.betweenSteps(save);
                }
            }
            return saved;
        });
    }
}
