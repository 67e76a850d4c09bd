package dev.glassbox.app.service;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import dev.glassbox.engine.train.SyntheticTask;
import dev.glassbox.engine.train.TaskData;
import dev.glassbox.engine.train.TextData;
import dev.glassbox.engine.train.TrainingData;

/** Where the Train workspace's rows come from; opened on the training thread (a text file may be large). */
public sealed interface TrainingSource {

    TrainingData open(int seq) throws IOException;

    String label();

    /** A built-in synthetic task. */
    record Task(SyntheticTask task) implements TrainingSource {
        @Override
        public TrainingData open(int seq) { return new TaskData(task); }

        @Override
        public String label() { return task.name().toLowerCase(Locale.ROOT); }
    }

    /** A UTF-8 text file tokenised by characters (90% train, 10% validation). */
    record Text(Path file) implements TrainingSource {
        @Override
        public TrainingData open(int seq) throws IOException { return TextData.read(file, seq); }

        @Override
        public String label() { return file.getFileName().toString(); }
    }
}
