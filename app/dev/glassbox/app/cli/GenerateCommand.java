package dev.glassbox.app.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;


import dev.glassbox.engine.analysis.heads.HeadAblation;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.TraceListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import dev.glassbox.engine.io.Json;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a prompt, streaming tokens as they come.")
public final class GenerateCommand extends ModelCommand {
    @Option(names = "--prompt", defaultValue = "", description = "prompt text (may be empty: starts from BOS)")
    String prompt;

    @Option(names = "--steps", converter = Converters.NonNegative.class, defaultValue = "64", description = "number of new tokens (default ${DEFAULT-VALUE})")
    int steps;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--ablate", converter = Converters.Heads.class, paramLabel = "L.H,...",
            description = "generate with these heads' outputs zeroed, e.g. 1.3,2.0 (layer.head)")
    String ablate;

    @Option(names = "--json", description = "print one JSON object instead of streaming text")
    boolean json;

    @Override
    int run(PrintWriter out) throws Exception {
        LoadedModel m = model.loadWithTokenizer();
        if (m.isSeq2Seq() && ablate != null) {
            throw new IllegalArgumentException("--ablate works on decoder-only models; " + m.name()
                    + " is an encoder-decoder");
        }
        if (m.isDecoder() || m.isSeq2Seq()) {
            ModelOptions.warnUnknownWords(m, prompt, err());
        }
        if (m.isSeq2Seq()) {
            return Seq2SeqGeneration.run(m, prompt, steps, json, out, err());
        }
        if (!m.isDecoder()) {
            throw new IllegalArgumentException(m.name() + " is an encoder and cannot generate; use 'encode'");
        }
        int[] ids = m.tokenizer().encode(prompt);
        HeadSet removed = ablate == null ? HeadSet.empty()
                : HeadSet.parse(ablate, m.config(), HeadAblation.Mode.ZERO, null);
        DecoderSession session = m.decoder().newSession(Capture.none(m.config().layers()),
                removed.intervention(m.config()));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Generation.TokenListener stream = (prev, tok) -> {
            byte[] b = m.tokenizer().bytes(prev, tok);
            text.writeBytes(b);
            if (!json) {
                out.print(new String(b, StandardCharsets.UTF_8));
                out.flush();
            }
        };
        Generation.Settings s = sampling.settings(steps);
        Generation.Result r = Generation.run(session, m.tokenizer(), ids, s, TraceListener.NONE, stream, () -> false);
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("token_ids", r.tokens());
            o.put("text", text.toString(StandardCharsets.UTF_8));
            o.put("stop", r.stop().name().toLowerCase());
            o.put("tokens_per_s", r.tokensPerSecond());
            if (!removed.isEmpty()) {
                o.put("ablated", removed.label());
            }
            out.println(Json.MAPPER.writeValueAsString(o));
        } else {
            out.println();
            spec.commandLine().getErr().printf("%d tokens, %.1f tokens/s, stopped: %s%n",
                    r.generated().length, r.tokensPerSecond(), r.stop().name().toLowerCase());
        }
        return 0;
    }
}
