package dev.glassbox.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.glassbox.engine.context.ContextLab;
import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;

/**
 * Wall-clock time of the Context lab on stories260K: 4 methods (full, sliding W=64, StreamingLLM 4 sinks + 60,
 * YaRN s=4) over 2,048 tokens of TinyStories text (the shared sample, repeated to reach the length), through
 * {@link ContextLab#run} as the app and {@code context-compare} call it; no passkey grid. Not a test.
 * Run:
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
 * java --add-modules jdk.incubator.vector -cp target/test-classes:target/classes:$(cat target/test.cp) \
 *     dev.glassbox.bench.ContextLabBenchmark [path/to/shared]
 * </pre>
 */
public final class ContextLabBenchmark {
    private static final int TOKENS = 2048;

    private ContextLabBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args.length > 0 ? args[0] : System.getProperty("glassbox.shared", "../shared"));
        LoadedModel m = ModelLoader.load(shared.resolve("models/stories260K/stories260K.bin"),
                shared.resolve("models/stories260K/tok512.bin"));
        String text = Files.readString(shared.resolve("corpora/tinystories_sample.txt"), StandardCharsets.UTF_8);
        int[] ids = m.tokenizer().encode(text.repeat(4));
        ids = Arrays.copyOf(ids, TOKENS);
        List<ContextPolicy> methods = List.of("full", "sliding:W=64", "streaming:sinks=4,W=60", "yarn:s=4").stream()
                .map(s -> ContextPolicy.parse(s, m.config().contextLength())).toList();
        System.out.printf(Locale.ROOT, "%-26s %10s %10s%n", "run", "seconds", "tokens/s");
        for (int rep = 0; rep < 2; rep++) {
            long t0 = System.nanoTime();
            ContextLab.run((LlamaModel) m.model(), m.tokenizer(), ids, methods, ContextLab.PasskeySettings.none(),
                    (stage, done, total) -> { }, () -> false);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%-26s %10.1f %10.0f%n", (rep == 0 ? "cold" : "warm") + " 4 x " + TOKENS,
                    s, methods.size() * TOKENS / s);
        }
    }
}
