package dev.glassbox.app.service;

import java.nio.file.Path;

import dev.glassbox.engine.format.onnx.BundledEncoder;

/** Where a model comes from. */
public sealed interface ModelSource {
    /** A model file or folder on disk (tokenizer found beside it when {@code tokenizer} is null). */
    record OnDisk(Path path, Path tokenizer) implements ModelSource {
    }

    /** A pretrained encoder shipped as classpath resources (all-MiniLM-L6-v2, bge-small-zh-v1.5). */
    record Bundled(BundledEncoder encoder) implements ModelSource {
    }
}
