package dev.glassbox.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

import dev.glassbox.engine.io.OutputFolder;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** --force, shared by the commands that write, and the checks of the command's --out they run before any work. */
public final class ForceOption {
    @Option(names = "--force", description = "replace an existing output, or write into a folder holding files Glassbox"
            + " did not write (those files are kept, never deleted)")
    boolean force;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The command's --out (each command declares it with its own help). */
    private Path out() {
        return command.findOption("--out").getValue();
    }

    /** Checks --out as an output folder apart from the inputs, before any work. */
    OutputFolder folder(OutputFolder.Input... inputs) throws IOException {
        return OutputFolder.check(out(), "--out", force, existing(inputs));
    }

    /** Checks --out as an output folder apart from the model, its tokenizer and {@code more}, before any work. */
    OutputFolder folder(ModelOptions model, OutputFolder.Input... more) throws IOException {
        return folder(with(model, more));
    }

    /** Checks --out as a single output file apart from the model and its tokenizer, before any work. */
    void file(ModelOptions model) throws IOException {
        file(model.inputs());
    }

    private static OutputFolder.Input[] with(ModelOptions model, OutputFolder.Input... more) {
        OutputFolder.Input[] m = model.inputs();
        OutputFolder.Input[] all = Arrays.copyOf(m, m.length + more.length);
        System.arraycopy(more, 0, all, m.length, more.length);
        return all;
    }

    /** Checks --out as a single output file apart from the inputs, before any work. */
    void file(OutputFolder.Input... inputs) throws IOException {
        OutputFolder.checkFile(out(), "--out", force, existing(inputs));
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
