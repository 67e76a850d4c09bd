package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.knowledge.SyntheticWorld;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "make-world", mixinStandardHelpOptions = true,
        description = "Write a seeded synthetic world for knowledge injection: kb.tsv (subject, relation, object),"
                + " train.txt (sentences stating most facts) and heldout.tsv (facts no sentence states, as cloze"
                + " sentences with [MASK] where the object goes).")
public final class MakeWorldCommand extends ConsoleCommand {
    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "folder to write (new, empty, or one Glassbox wrote; others only with --force)")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--people", defaultValue = "60", paramLabel = "N",
            description = "people in the world, 1-240, four facts each (default ${DEFAULT-VALUE})")
    int people;

    @Option(names = "--held-out", defaultValue = "0.2", paramLabel = "P",
            description = "chance that a person keeps one fact out of the text, 0-1 (default ${DEFAULT-VALUE})")
    double heldOut;

    @Mixin
    ForceOption output;

    @Override
    int run(PrintWriter con) throws Exception {
        if (people < 1 || people > SyntheticWorld.MAX_PEOPLE) {
            throw new IllegalArgumentException("--people must be 1 to " + SyntheticWorld.MAX_PEOPLE + ", not " + people);
        }
        if (!(heldOut >= 0 && heldOut <= 1)) {
            throw new IllegalArgumentException("--held-out must be 0 to 1, not " + heldOut);
        }
        OutputFolder folder = output.folder();
        SyntheticWorld.World world = SyntheticWorld.generate(seed, people, heldOut);
        SyntheticWorld.write(world, folder);
        con.printf("wrote %s: %d facts in %s, %d sentences in %s, %d held-out facts in %s (seed %d)%n", out,
                world.kb().size(), SyntheticWorld.KB_FILE, world.train().size(), SyntheticWorld.TRAIN_FILE,
                world.heldOut().size(), SyntheticWorld.HELD_OUT_FILE, seed);
        return 0;
    }
}
