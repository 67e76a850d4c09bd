package dev.glassbox.app.service;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.glassbox.engine.train.TrainingProgress;

/** What the Train workspace's buttons do to the run in progress, decoder ({@link TrainingRun}) or encoder ({@link EncoderRun}). */
public interface ActiveRun {
    void pause();

    void resume();

    void stop();

    Optional<TrainingProgress> lastProgress();

    /** A prompt the explorer opens the saved model with ("" for none). */
    String probeText();

    /** Writes the weights after the latest finished step to {@code dir}. */
    CompletableFuture<Path> saveCheckpoint(Path dir);
}
