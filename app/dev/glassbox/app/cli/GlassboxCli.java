package dev.glassbox.app.cli;

import java.io.PrintWriter;

import dev.glassbox.app.service.ErrorMessages;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command-line interface: one sub-command per task, each with --help. */
@Command(name = "glassbox", mixinStandardHelpOptions = true, versionProvider = GlassboxCli.Version.class,
        description = "See inside small transformer language models while they run.",
        subcommands = {GenerateCommand.class, EncodeCommand.class, InspectCommand.class, ScoreCommand.class,
                TraceCommand.class, ContextCompareCommand.class, RoutesCommand.class, HeadsCommand.class,
                TrainCommand.class, SearchCommand.class, ContextSweepCommand.class, ExportGgufCommand.class, BenchCommand.class, MakeRandomCommand.class, MakeWorldCommand.class, PullCommand.class, CommandLine.HelpCommand.class})
public final class GlassboxCli {

    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new GlassboxCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            line.getErr().println("error: " + ErrorMessages.describe(ex));
            return 2;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) { // picocli hands Errors on; they still get one line
            err.println("error: " + ErrorMessages.describe(e));
            return 2;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Glassbox " + GlassboxInfo.version()};
        }
    }
}
