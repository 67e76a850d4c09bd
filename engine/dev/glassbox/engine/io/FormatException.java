package dev.glassbox.engine.io;

import java.io.IOException;
import java.nio.file.Path;

/** A model or tokenizer file that cannot be read, with the file and the problem in the message. */
public class FormatException extends IOException {
    private final transient Path file;

    public FormatException(Path file, String problem) {
        super((file == null ? "" : file.getFileName() + ": ") + problem);
        this.file = file;
    }

    public FormatException(Path file, String problem, Throwable cause) {
        super((file == null ? "" : file.getFileName() + ": ") + problem, cause);
        this.file = file;
    }

    public Path file() { return file; }
}
