package dev.glassbox.engine.analysis.heads;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


import dev.glassbox.engine.export.NpyWriter;
import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.export.CsvWriter;
import dev.glassbox.engine.io.Json;

/**
 * Writes a {@link HeadReport} to a folder, the same for the {@code heads} command and the Heads workspace:
 * {@code <metric>.layer<l>.csv} (heads x heads, with header; {@code layer<a>-<b>} across layers) and the same
 * table as float32 {@code .npy}, {@code kv_shared.csv}, {@code roles.csv} (one row per head), {@code ablation.csv}
 * when ablation ran, {@code ablation_set.csv} when a set of heads was ablated together, and {@code manifest.json}
 * describing the model, input, settings and every file.
 */
public final class HeadReportFiles {
    private HeadReportFiles() {
    }

    /**
     * @param input         what was analysed, in words (a file name, "prompt", the probe)
     * @param meanReference what fed mean ablation, in words (null when not mean ablation)
     * @return the files written, relative to {@code out}, manifest last
     */
    public static List<String> write(Path out, LoadedModel m, HeadReport r, HeadAnalysis.Settings s, String input,
                                     String meanReference) throws IOException {
        return write(out, m, r, s, input, meanReference, null);
    }

    /** {@link #write(Path, LoadedModel, HeadReport, HeadAnalysis.Settings, String, String)} plus {@code ablation_set.csv} (null: none). */
    public static List<String> write(Path out, LoadedModel m, HeadReport r, HeadAnalysis.Settings s, String input,
                                     String meanReference, HeadSet.Outcome set) throws IOException {
        return write(OutputFolder.check(out, "output folder", false), m, r, s, input, meanReference, set);
    }

    /** Writes into a checked output folder (each file atomically, listed in the folder's marker). */
    public static List<String> write(OutputFolder out, LoadedModel m, HeadReport r, HeadAnalysis.Settings s, String input,
                                     String meanReference, HeadSet.Outcome set) throws IOException {
        boolean encoder = m.model() instanceof BertModel;
        List<String> files = new ArrayList<>();
        List<Map<String, Object>> arrays = new ArrayList<>();
        for (HeadTable t : r.tables()) {
            String stem = t.metric() + ".layer" + t.rowLayer() + (t.crossLayer() ? "-" + t.columnLayer() : "");
            StringBuilder sb = new StringBuilder();
            CsvWriter csv = new CsvWriter(sb);
            List<Object> line = new ArrayList<>(List.of("head"));
            for (int j = 0; j < t.columns(); j++) {
                line.add("L" + t.columnLayer() + "H" + j);
            }
            csv.row(line);
            float[] flat = new float[t.rows() * t.columns()];
            for (int i = 0; i < t.rows(); i++) {
                line.clear();
                line.add("L" + t.rowLayer() + "H" + i);
                for (int j = 0; j < t.columns(); j++) {
                    line.add(num(t.get(i, j)));
                    flat[i * t.columns() + j] = (float) t.get(i, j);
                }
                csv.row(line);
            }
            out.writeString(stem + ".csv", sb);
            NpyWriter.write(out.file(stem + ".npy"), new int[] {t.rows(), t.columns()}, flat);
            files.add(stem + ".csv");
            files.add(stem + ".npy");
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("metric", t.metric());
            a.put("row_layer", t.rowLayer());
            a.put("column_layer", t.columnLayer());
            a.put("csv", stem + ".csv");
            a.put("npy", stem + ".npy");
            a.put("shape", new int[] {t.rows(), t.columns()});
            arrays.add(a);
        }
        files.add(writeShared(out, r));
        files.add(writeRoles(out, r, encoder));
        if (!r.ablations().isEmpty()) {
            files.add(writeAblations(out, r, m.tokenizer(), encoder));
        }
        if (set != null) {
            files.add(writeSet(out, set, m.tokenizer()));
        }
        writeManifest(out, m, r, s, input, meanReference, encoder, files, arrays);
        files.add("manifest.json");
        return files;
    }

    private static String writeShared(OutputFolder out, HeadReport r) throws IOException {
        boolean[][] shared = r.sharedKv();
        StringBuilder sb = new StringBuilder();
        CsvWriter csv = new CsvWriter(sb);
        List<Object> line = new ArrayList<>(List.of("head"));
        for (int j = 0; j < shared.length; j++) {
            line.add("H" + j);
        }
        csv.row(line);
        for (int i = 0; i < shared.length; i++) {
            line.clear();
            line.add("H" + i);
            for (boolean b : shared[i]) {
                line.add(b ? 1 : 0);
            }
            csv.row(line);
        }
        out.writeString("kv_shared.csv", sb);
        return "kv_shared.csv";
    }

    private static String writeRoles(OutputFolder out, HeadReport r, boolean encoder) throws IOException {
        // encoders have no next-token loss: importance is the mean squared change of the last hidden state
        StringBuilder sb = new StringBuilder();
        CsvWriter csv = new CsvWriter(sb).row("layer", "head", "kv_head", "previous_token", "duplicate_token", "induction",
                "prefix_matching", "best_offset", "offset_score", "entropy", "sink_mass", "special_mass",
                encoder ? "importance_hidden_mse" : "importance");
        for (HeadReport.Row row : r.rows()) {
            csv.row(row.layer(), row.head(), row.kvHead(), num(row.roles().previousToken()),
                    num(row.roles().duplicateToken()), num(row.roles().induction()), num(row.prefixMatching()),
                    row.roles().bestOffset(), num(row.roles().offsetScore()), num(row.entropy()), num(row.sinkMass()),
                    num(row.specialMass()), num(row.importance()));
        }
        out.writeString("roles.csv", sb);
        return "roles.csv";
    }

    private static String writeAblations(OutputFolder out, HeadReport r, Tokenizer tok, boolean encoder) throws IOException {
        StringBuilder sb = new StringBuilder();
        CsvWriter csv = new CsvWriter(sb).row(encoder
                ? List.of("layer", "head", "hidden_mse", "importance_hidden_mse", "embedding_cosine_distance", "top_before",
                        "top_after", "top_probability_before", "top_probability_after")
                : List.of("layer", "head", "loss", "loss_increase", "kl_last", "top_before", "top_after",
                        "top_probability_before", "top_probability_after"));
        for (HeadAblation.Effect e : r.ablations()) {
            csv.row(e.layer(), e.head(), num(e.loss()), num(e.lossIncrease()), num(e.klLast()),
                    tokens(tok, e.topBefore()), tokens(tok, e.topAfter()), num(e.topProbabilityBefore()),
                    num(e.topProbabilityAfter()));
        }
        out.writeString("ablation.csv", sb);
        return "ablation.csv";
    }

    /**
     * One row per rank of the top-k next tokens (decoder), the set's totals repeated on each; an encoder's single
     * row holds the hidden-state change and the sentence-embedding cosine.
     */
    private static String writeSet(OutputFolder out, HeadSet.Outcome o, Tokenizer tok) throws IOException {
        HeadSet set = o.set();
        String heads = set.label();
        String mode = set.mode().name().toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder();
        CsvWriter csv = new CsvWriter(sb);
        switch (o) {
            case HeadAblation.SetEffect e -> {
                csv.row("heads", "mode", "loss_clean", "loss_ablated", "loss_increase", "kl_last", "rank", "top_before",
                        "probability_before", "probability_before_ablated", "top_after", "probability_after");
                for (int i = 0; i < e.before().ids().length; i++) {
                    csv.row(heads, mode, num(e.cleanLoss()), num(e.loss()), num(e.lossIncrease()), num(e.klLast()), i + 1,
                            tokens(tok, new int[] {e.before().ids()[i]}), num(e.before().probabilities()[i]),
                            num(e.beforeIdsAfter()[i]), tokens(tok, new int[] {e.after().ids()[i]}),
                            num(e.after().probabilities()[i]));
                }
            }
            case EncoderHeads.SetChange c -> csv.row("heads", "mode", "hidden_mse", "embedding_cosine")
                    .row(heads, mode, num(c.hiddenChange()), num(c.embeddingCosine()));
        }
        out.writeString("ablation_set.csv", sb);
        return "ablation_set.csv";
    }

    private static void writeManifest(OutputFolder out, LoadedModel m, HeadReport r, HeadAnalysis.Settings s, String input,
                                      String meanReference, boolean encoder, List<String> files,
                                      List<Map<String, Object>> arrays) throws IOException {
        Tokenizer tok = m.tokenizer();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", m.source() == null ? m.name() : m.source().toString());
        o.put("format", m.format());
        o.put("layers", m.config().layers());
        o.put("heads", m.config().heads());
        o.put("kv_heads", m.config().kvHeads());
        o.put("head_dim", m.config().headDim());
        o.put("input", input);
        o.put("tokens", r.tokens().length);
        o.put("token_ids", r.tokens());
        o.put("probe_length", s.probeLength());
        o.put("probe_seed", s.probeSeed());
        o.put("js_epsilon", s.jsEpsilon());
        o.put("js_log_base", 2);
        o.put("special_ids", s.specialIds());
        o.put("ablation", s.ablation() == null ? "none" : s.ablation().name().toLowerCase(Locale.ROOT));
        o.put("mean_reference", meanReference);
        o.put("importance", encoder ? "mean squared change of the last hidden state when the head is ablated"
                : "next-token loss increase when the head is ablated");
        o.put("clean_loss", r.clean().loss());
        o.put("top_next_tokens", r.clean().lastLogits().length == 0 ? ""
                : tokens(tok, HeadAblation.top(r.clean().lastLogits(), s.topK())));
        o.put("orthogonality_penalty", r.penalties());
        o.put("output_disagreement", r.disagreement());
        o.put("kv_shared", r.sharedKv());
        o.put("timings_ms", r.timingsMillis());
        o.put("tables", arrays);
        o.put("files", files);
        out.write("manifest.json", stream -> Json.PRETTY.writeValue(stream, o));
    }

    private static String tokens(Tokenizer tok, int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(id);
            if (tok != null) {
                sb.append(':').append(tok.display(id));
            }
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.6f", v);
    }
}
