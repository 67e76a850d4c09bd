package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

import dev.glassbox.app.hub.HubEnvironment;
import dev.glassbox.app.hub.HubPull;
import dev.glassbox.app.hub.RepoRef;
import dev.glassbox.visuals.i18n.I18n;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download a model by name from the Hugging Face Hub into the Hugging Face cache (shared with Python):"
                + " config.json, tokenizer files and safetensors weights, or one GGUF file. Resumes a partial download,"
                + " verifies every file's checksum and prints the path to open.",
                "Environment: HF_ENDPOINT (a mirror), HF_TOKEN (gated or private repositories), HF_HUB_CACHE / HF_HOME (the cache)."})
public final class PullCommand extends ConsoleCommand {
    /** The environment variables the command reads (tests put their own). */
    static Supplier<Map<String, String>> environment = System::getenv;

    @Parameters(index = "0", paramLabel = "ORG/NAME[@REVISION]", converter = RepoConverter.class,
            description = "the repository, and optionally a branch, tag or commit (default main)")
    RepoRef repo;

    @Option(names = "--file", paramLabel = "PATTERN",
            description = "the GGUF file to get when the repository has several (a name or glob, e.g. '*Q8_0.gguf')")
    String file;

    @Override
    int run(PrintWriter out) throws Exception {
        Map<String, String> env = environment.get();
        HubPull pull = new HubPull(HubEnvironment.of(env, HubEnvironment.home(env)));
        long[] lastLine = {0};
        Path path = pull.pull(repo, file, t -> {
            long now = System.nanoTime();
            if (t.file() != null && now - lastLine[0] >= 1_000_000_000L) { // a line a second at most
                lastLine[0] = now;
                err().println(t.text(I18n.ENGLISH));
            }
        }, () -> false);
        out.println(path);
        return 0;
    }

    static final class RepoConverter implements ITypeConverter<RepoRef> {
        @Override
        public RepoRef convert(String value) {
            return Converters.parsed(() -> RepoRef.parse(value));
        }
    }
}
