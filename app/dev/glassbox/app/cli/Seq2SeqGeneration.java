package dev.glassbox.app.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;


import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.Seq2SeqModel;
import dev.glassbox.engine.io.Json;

/** {@code generate} on an encoder-decoder: the prompt is the source, the output its greedy decode. */
final class Seq2SeqGeneration {
    private Seq2SeqGeneration() {
    }

    static int run(LoadedModel m, String prompt, int steps, boolean json, PrintWriter out, PrintWriter err)
            throws Exception {
        if (m.tokenizer() == null) {
            throw new IllegalArgumentException(m.name() + " has no tokenizer.json; an encoder-decoder needs one to read the prompt");
        }
        Seq2SeqModel s = m.seq2seq();
        int[] source = s.sourceIds(m.tokenizer().encode(prompt));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int[] prev = {s.spec().startToken()};
        Seq2SeqModel.Decoded d = s.generate(source, steps, false, () -> false, tok -> {
            byte[] b = m.tokenizer().bytes(prev[0], tok);
            prev[0] = tok;
            text.writeBytes(b);
            if (!json) {
                out.print(new String(b, StandardCharsets.UTF_8));
                out.flush();
            }
        });
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("source_ids", d.source());
            o.put("token_ids", d.output());
            o.put("text", text.toString(StandardCharsets.UTF_8));
            o.put("stop", d.stop().name().toLowerCase());
            out.println(Json.MAPPER.writeValueAsString(o));
        } else {
            out.println();
            err.printf("%d tokens, stopped: %s%n", d.output().length, d.stop().name().toLowerCase());
        }
        return 0;
    }
}
