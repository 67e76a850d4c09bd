package dev.glassbox.app.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.testing.TinyLlama2c;

/** A tiny random llama2.c checkpoint written into {@code dir/tiny} of a new temporary folder, and a catalog listing it. */
record TinyModelFolder(Path dir, Path model) {
    static TinyModelFolder write(String prefix, long seed) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        return new TinyModelFolder(dir, TinyLlama2c.write(dir.resolve("tiny"), seed));
    }

    ModelCatalog catalog() {
        return new ModelCatalog(ModelCatalog.scan(dir.resolve("tiny")));
    }
}
