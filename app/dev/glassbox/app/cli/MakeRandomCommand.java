package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.glassbox.engine.format.Llama2cWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "make-random", mixinStandardHelpOptions = true,
        description = "Write a seeded random-weight llama2.c (v0) checkpoint of a known shape, for benchmarks.")
public final class MakeRandomCommand extends ConsoleCommand {
    @Option(names = "--shape", required = true, paramLabel = "NAME",
            description = "stories15M (288 dim, 6 layers), stories110M (768 dim, 12 layers) or tiny")
    String shape;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "checkpoint file to write (an existing one only with --force)")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    ForceOption output;

    @Override
    int run(PrintWriter con) throws Exception {
        Llama2cWriter.Shape s = Llama2cWriter.Shape.named(shape);
        output.file();
        Llama2cWriter.writeRandom(s, seed, out);
        con.printf("wrote %s (%s, seed %d, %d bytes)%n", out, s.name(), seed, Files.size(out));
        return 0;
    }
}
