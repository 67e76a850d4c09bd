package dev.glassbox.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;


import dev.glassbox.engine.format.HugePageCopy;
import dev.glassbox.engine.format.Llama2cFormat;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LanguageModel;
import dev.glassbox.engine.model.Sampler;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookSelection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.glassbox.engine.io.Json;

/**
 * Decode throughput measured as llama2.c's run.c does: forward BOS at position 0, then sample and forward
 * until {@code steps} forwards are done; tokens/s counts the tokens after the first, timed from the first
 * sampled token on. The same decode is repeated with every attention pattern captured, and the produced
 * sequence, repeated to {@code --prefill} tokens (llama-bench's pp512 by default, at most the context), is re-run as
 * one batched prefill, and once more with every attention pattern captured (what {@code trace} does with a prompt).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prefill and decode tokens/s (as llama2.c's run.c counts them) and peak memory.")
public final class BenchCommand extends ConsoleCommand {
    static final String ATTENTION = "blocks.*.attn.pattern";
    private static final int BOS = 1;

    @Option(names = "--model", required = true, paramLabel = "PATH", description = "decoder model file")
    Path model;

    @Option(names = "--tokenizer", converter = Converters.InputFile.class, paramLabel = "PATH", description = "tokenizer (optional: bench needs none)")
    Path tokenizer;

    @Option(names = "--threads", converter = Converters.Positive.class, paramLabel = "N", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--steps", converter = Converters.Positive.class, defaultValue = "256", description = "forwards including BOS (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--prefill", converter = Converters.Positive.class, defaultValue = "512", paramLabel = "N",
            description = "tokens of the timed batched prefill, at most the context length (default ${DEFAULT-VALUE},"
                    + " as llama-bench's pp512)")
    int prefillTokens;

    @Option(names = "--temperature", converter = Converters.Temperature.class, defaultValue = "0", description = "0 = greedy (default ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-p", converter = Converters.Probability.class, defaultValue = "0.9", description = "nucleus threshold when sampling (default ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--seed", defaultValue = "42", description = "sampling seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--warmup", converter = Converters.NonNegative.class, defaultValue = "1", description = "untimed decode runs first, for the JIT (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--huge-pages", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "copy weight files of 32 MB or more into transparent huge pages before timing (Linux; "
                    + "the app maps them instead, which opens faster; default ${DEFAULT-VALUE})")
    boolean hugePages;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    /** One timed decode: the tokens (BOS first) and generated tokens per second after the first. */
    record Decode(int[] tokens, double tokensPerSecond) {
    }

    @Override
    int run(PrintWriter out) throws Exception {
        if (steps < 2) {
            throw new IllegalArgumentException("--steps must be at least 2 (one untimed first token), got " + steps);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
        }
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        try (Parallel par = new Parallel(n)) {
            DecoderModel m = load(par);
            int layers = m.config().layers();
            for (int i = 0; i < warmup; i++) {
                decode(m, Capture.none(layers));
            }
            Decode plain = decode(m, Capture.none(layers));
            Decode withAttention = decode(m, new Capture(HookSelection.of(ATTENTION), layers));
            int[] prompt = prompt(plain.tokens, Math.min(prefillTokens, m.config().contextLength()));
            double prefill = 0;
            for (int i = 0; i <= Math.min(warmup, 1); i++) {
                prefill = prefill(m, prompt, Capture.none(layers));
            }
            double rss = peakRssMb(); // before the trace, whose patterns are the explorer's memory, not the engine's
            double trace = prefill(m, prompt, new Capture(HookSelection.of(ATTENTION), layers));
            report(out, n, plain, withAttention, prompt.length, prefill, trace, rss);
        }
        return 0;
    }

    private DecoderModel load(Parallel par) throws IOException {
        String before = System.getProperty(HugePageCopy.PROPERTY);
        System.setProperty(HugePageCopy.PROPERTY, Boolean.toString(hugePages));
        LanguageModel lm;
        try {
            // bench needs no tokenizer: a llama2.c checkpoint (random benchmark files come without one) loads alone
            lm = tokenizer == null && isLlama2c(model)
                    ? Llama2cFormat.load(model, par)
                    : ModelLoader.load(model, tokenizer, par).model();
        } finally {
            if (before == null) {
                System.clearProperty(HugePageCopy.PROPERTY);
            } else {
                System.setProperty(HugePageCopy.PROPERTY, before);
            }
        }
        if (!(lm instanceof DecoderModel d)) {
            throw new IllegalArgumentException(model + " is an encoder; bench measures decoders");
        }
        return d;
    }

    /** A single file that is neither GGUF nor ONNX: what the loader would read as a llama2.c checkpoint. */
    private static boolean isLlama2c(Path file) throws IOException {
        if (!Files.isRegularFile(file) || file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            return false;
        }
        try (var in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return !(magic.length == 4 && magic[0] == 'G' && magic[1] == 'G' && magic[2] == 'U' && magic[3] == 'F');
        }
    }

    private Decode decode(DecoderModel m, Capture capture) {
        freeFinishedRuns();
        // a cache for the positions this run uses: zeroing the whole context's (75 MB for stories110M) per run only
        // made garbage that grew the heap and the peak RSS reported
        DecoderSession s = m.newSession(capture, Intervention.NONE, Math.min(steps, m.config().contextLength()));
        int forwards = Math.min(steps, s.capacity());
        Sampler sampler = new Sampler(m.config().vocabSize(), temperature, topP, 0, seed);
        int[] tokens = new int[forwards + 1];
        tokens[0] = BOS;
        long start = 0;
        for (int pos = 0; pos < forwards; pos++) {
            float[] logits = s.forward(tokens[pos], pos);
            if (capture.any()) {
                s.drainCaptured();
            }
            tokens[pos + 1] = sampler.sample(logits);
            if (start == 0) {
                start = System.nanoTime();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Decode(tokens, (forwards - 1) / seconds);
    }

    /**
     * Collects the sessions of the runs before, as llama-bench frees each test's context before the next: the
     * serial collector of the command line grows its old generation rather than collect it, so without this every
     * finished run's key/value cache (38 MB at 512 tokens of stories110M) would stay in the peak RSS of the runs
     * after it. Outside the timed spans.
     */
    private static void freeFinishedRuns() {
        System.gc();
    }

    /** The forwarded tokens of a decode (BOS first), repeated to {@code length} tokens. */
    static int[] prompt(int[] decoded, int length) {
        int[] prompt = new int[length];
        int period = decoded.length - 1; // the last sampled token was never forwarded
        for (int i = 0; i < length; i++) {
            prompt[i] = decoded[i % period];
        }
        return prompt;
    }

    /**
     * Tokens/s of one batched prefill of {@code prompt} (all its tokens at once), capturing what {@code capture}
     * selects; each position's captured step is handed over and dropped, as a trace hands it to its writer.
     */
    private static double prefill(DecoderModel m, int[] prompt, Capture capture) {
        freeFinishedRuns();
        DecoderSession s = m.newSession(capture, Intervention.NONE, prompt.length);
        long t0 = System.nanoTime();
        s.prefill(prompt, 0, DecoderSession.StepSink.NONE);
        return prompt.length / ((System.nanoTime() - t0) / 1e9);
    }

    private void report(PrintWriter out, int n, Decode plain, Decode withAttention, int prefillTokens, double prefill,
            double trace, double rss) throws IOException {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model.getFileName().toString());
        o.put("threads", n);
        o.put("steps", plain.tokens.length - 1);
        o.put("prefill_tokens", prefillTokens);
        o.put("prefill_tokens_per_s", round(prefill));
        o.put("prefill_tokens_per_s_with_attention", round(trace));
        o.put("decode_tokens_per_s", round(plain.tokensPerSecond));
        o.put("decode_tokens_per_s_with_attention", round(withAttention.tokensPerSecond));
        o.put("peak_rss_mb", round(rss));
        o.put("peak_rss_mb_with_trace", round(peakRssMb()));
        if (json) {
            out.println(Json.MAPPER.writeValueAsString(o));
            return;
        }
        out.printf("%-24s %7s %12s %12s %14s %12s %14s %13s%n", "model", "threads", "prefill tok", "prefill t/s",
                "+attention t/s", "decode t/s", "+attention t/s", "peak RSS MB");
        out.printf("%-24s %7d %12d %12.1f %14.1f %12.1f %14.1f %13.0f%n", o.get("model"), n, prefillTokens, prefill,
                trace, plain.tokensPerSecond, withAttention.tokensPerSecond, rss);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** VmHWM from /proc/self/status in MB, or -1 where there is no /proc. */
    static double peakRssMb() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
