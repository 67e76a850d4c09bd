package dev.glassbox.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

import dev.glassbox.engine.io.OutputFolder;
import picocli.CommandLine.Option;

/** --force, shared by the commands that write, and the output checks they run before any work. */
public final class ForceOption {
    @Option(names = "--force", description = "replace an existing output, or write into a folder holding files Glassbox"
            + " did not write (those files are kept, never deleted)")
    boolean force;

    /** Checks --out as an output folder apart from the inputs, before any work. */
    OutputFolder folder(Path out, OutputFolder.Input... inputs) throws IOException {
        return OutputFolder.check(out, "--out", force, existing(inputs));
    }

    /** Checks --out as an output folder apart from the model, its tokenizer and {@code more}, before any work. */
    OutputFolder folder(Path out, ModelOptions model, OutputFolder.Input... more) throws IOException {
        return folder(out, with(model, more));
    }

    /** Checks --out as a single output file apart from the model and its tokenizer, before any work. */
    void file(Path out, ModelOptions model) throws IOException {
        file(out, model.inputs());
    }

    private static OutputFolder.Input[] with(ModelOptions model, OutputFolder.Input... more) {
        OutputFolder.Input[] m = model.inputs();
        OutputFolder.Input[] all = Arrays.copyOf(m, m.length + more.length);
        System.arraycopy(more, 0, all, m.length, more.length);
        return all;
    }

    /** Checks --out as a single output file apart from the inputs, before any work. */
    void file(Path out, OutputFolder.Input... inputs) throws IOException {
        OutputFolder.checkFile(out, "--out", force, existing(inputs));
    }

    /** An input given on the command line (null when the option was not given). */
    static OutputFolder.Input input(String option, Path path) {
        return OutputFolder.input(option, path);
    }

    /** Inputs that exist (one that does not fails later with its own message, e.g. a bundled model's name). */
    static OutputFolder.Input[] existing(OutputFolder.Input... inputs) {
        return Arrays.stream(inputs).filter(Objects::nonNull).filter(i -> Files.exists(i.path()))
                .toArray(OutputFolder.Input[]::new);
    }
}
