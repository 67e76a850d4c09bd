package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.glassbox.engine.format.Llama2cWriter;
import dev.glassbox.engine.format.gguf.RandomGguf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "make-random", mixinStandardHelpOptions = true,
        description = "Write a seeded random-weight model of a known shape, for benchmarks: a llama2.c (v0) checkpoint,"
                + " or for qwen2.5-0.5b and tinyllama-1.1b a GGUF file with Q8_0 matrices (no tokenizer: load it with"
                + " --tokenizer).")
public final class MakeRandomCommand extends ConsoleCommand {
    @Option(names = "--shape", required = true, paramLabel = "NAME",
            description = "stories15M (288 dim, 6 layers), stories110M (768 dim, 12 layers), tiny, qwen2.5-0.5b"
                    + " (24 layers, 896 dim, 14 heads / 2 kv heads) or tinyllama-1.1b (22 layers, 2048 dim, 32 / 4)")
    String shape;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "checkpoint file to write (an existing one only with --force)")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    ForceOption output;

    @Override
    int run(PrintWriter con) throws Exception {
        RandomGguf.Shape g = RandomGguf.Shape.named(shape);
        if (g != null) {
            output.file();
            RandomGguf.write(g, seed, out);
            con.printf("wrote %s (%s, GGUF Q8_0, seed %d, %d bytes)%n", out, g.name(), seed, Files.size(out));
            return 0;
        }
        Llama2cWriter.Shape s = Llama2cWriter.Shape.named(shape);
        output.file();
        Llama2cWriter.writeRandom(s, seed, out);
        con.printf("wrote %s (%s, seed %d, %d bytes)%n", out, s.name(), seed, Files.size(out));
        return 0;
    }
}
