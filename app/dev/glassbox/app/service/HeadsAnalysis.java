package dev.glassbox.app.service;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

import dev.glassbox.engine.analysis.heads.CapturedRun;
import dev.glassbox.engine.analysis.heads.EncoderHeads;
import dev.glassbox.engine.analysis.heads.HeadAblation;
import dev.glassbox.engine.analysis.heads.HeadAnalysis;
import dev.glassbox.engine.analysis.heads.HeadReport;
import dev.glassbox.engine.analysis.heads.HeadReportFiles;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.analysis.heads.HeadSlices;
import dev.glassbox.engine.analysis.heads.HeadTable;
import dev.glassbox.engine.analysis.heads.RepeatedTokens;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The Heads workspace's engine work and its texts: which tokens it analyses, the {@link HeadAnalysis} call (the same
 * as the {@code heads} command's) under a set of ablated heads, the clean run beside an ablated one, cross-layer
 * weight tables, the diffs an ablation shows and the export. Analyses run on the engine thread.
 */
public final class HeadsAnalysis {
    public static final List<String> METRICS = List.of("wq", "wk", "wv", "wo", "qk", "ov", "qk_cosine", "ov_cosine", "js", "output_cosine");
    /** The role scores the overview can map, by name. */
    public static final Map<String, ToDoubleFunction<HeadReport.Row>> ROLES = new LinkedHashMap<>();
    static {
        ROLES.put("previous-token", r -> r.roles().previousToken());
        ROLES.put("duplicate", r -> r.roles().duplicateToken());
        ROLES.put("induction", r -> r.roles().induction());
        ROLES.put("prefix matching", HeadReport.Row::prefixMatching);
        ROLES.put("positional", r -> r.roles().offsetScore());
        ROLES.put("importance", HeadReport.Row::importance);
        ROLES.put("entropy", HeadReport.Row::entropy);
        ROLES.put("sink mass", HeadReport.Row::sinkMass);
    }

    /**
     * One analysis under a set of ablated heads (empty: none).
     *
     * @param clean      the clean run (mean outputs for mean ablation, the baseline of the diffs)
     * @param shown      the run the views show: the clean one, or the one with {@code set} removed
     * @param outcome    what removing {@code set} changed (null when empty)
     * @param encoderOne for an encoder with one head ablated, its change including the next layer's attention
     */
    public record Result(HeadSet set, HeadReport report, CapturedRun clean, CapturedRun shown,
                         HeadSet.Outcome outcome, EncoderHeads.Change encoderOne) {
    }

    private HeadsAnalysis() {
    }

    /** Llama-family decoders and BERT encoders. */
    public static boolean supports(LoadedModel m) {
        return m.model() instanceof LlamaModel || m.model() instanceof BertModel;
    }

    /** The tokens analysed: the prompt, or the repeated-random-tokens probe when the prompt has fewer than 3 tokens. */
    public static int[] inputTokens(LoadedModel m, String text) {
        Tokenizer tok = m.tokenizer();
        int[] ids = tok.encode(text);
        int max = Math.min(128, m.config().contextLength());
        if (ids.length >= 3) {
            return Arrays.copyOf(ids, Math.min(ids.length, max));
        }
        return RepeatedTokens.generate(tok.bos(), (max - 1) / 2, m.config().vocabSize(), id -> id != tok.bos() && id != tok.eos() && id != 0, 1234L);
    }

    /** The settings the workspace analyses with: the command's defaults (zero ablation). */
    public static HeadAnalysis.Settings settings(LoadedModel m) {
        int probe = (Math.min(128, m.config().contextLength()) - 1) / 2;
        return HeadAnalysis.Settings.defaults(m.tokenizer().bos(), m.tokenizer().eos(), probe);
    }

    /** The report for {@code m} on {@code tokens} with {@code set} removed (engine thread). */
    static HeadReport report(LoadedModel m, int[] tokens, HeadSet set, HeadAnalysis.Progress progress) {
        return m.model() instanceof BertModel bert
                ? HeadAnalysis.analyse(bert, tokens, settings(m), set, Parallel.shared(), progress)
                : HeadAnalysis.analyse((LlamaModel) m.model(), tokens, settings(m), set, Parallel.shared(), progress);
    }

    /** What the label of an analysis under {@code set} says. */
    public static String label(HeadSet set) {
        return set.isEmpty() ? I18n.text("heads.analysis") : I18n.text("heads.analysisAblated", set.label());
    }

    /**
     * The analysis the workspace shows (engine thread): reports each stage's steps done so far with the time left
     * ({@link HeadStageText}), hands {@code partial} the report so far (importance NaN for the heads not yet ablated: once the
     * behaviour scores are in, then per layer), and stops within one head of a cancel.
     */
    public static Result analyse(LoadedModel m, int[] tokens, HeadSet set, AnalysisService.Progress p,
                                 Consumer<Result> partial) {
        String ablatedText = set.isEmpty() ? "" : I18n.text("heads.withAblated", set.label());
        HeadStageText text = new HeadStageText(tokens.length, m.config().layers() * m.config().heads(), ablatedText);
        HeadReport r = report(m, tokens, set, new HeadAnalysis.Progress() {
            @Override
            public boolean cancelled() { return p.cancelled(); }

            @Override
            public void counted(HeadAnalysis.Stage stage, int done, int total) {
                p.update(text.counted(stage, done, total), done, total);
            }

            @Override
            public void partial(HeadReport report) {
                partial.accept(new Result(set, report, report.run(), report.run(), null, null));
            }
        });
        if (p.cancelled()) throw new java.util.concurrent.CancellationException();
        return set.isEmpty() ? new Result(HeadSet.empty(), r, r.run(), r.run(), null, null) : ablated(m, tokens, set, r);
    }

    /** The clean run beside the analysis's ablated one, and what the set changed (encoders: restart from the lowest layer). */
    private static Result ablated(LoadedModel m, int[] tokens, HeadSet set, HeadReport r) {
        if (m.model() instanceof BertModel bert) {
            EncoderHeads.EncoderRun clean = EncoderHeads.capture(bert, tokens);
            EncoderHeads.Change one = null;
            if (set.heads().size() == 1) {
                HeadSet.Head h = set.heads().getFirst();
                one = EncoderHeads.change(bert, clean, h.layer(), h.head(), HeadAblation.replacement(set.mode(),
                        set.means(), h.layer(), h.head(), m.config().headDim()));
            }
            return new Result(set, r, clean.run(), r.run(), EncoderHeads.change(bert, clean, set), one);
        }
        CapturedRun clean = CapturedRun.of(m.decoder(), tokens);
        return new Result(set, r, clean, r.run(), HeadAblation.setEffect(set, clean.outcome(), r.run().outcome(), 5),
                null);
    }

    /** The weight metrics between the heads of layers {@code a} and {@code b} (engine thread). */
    public static List<HeadTable> weightTables(LoadedModel m, int a, int b) {
        return m.model() instanceof BertModel bert
                ? HeadAnalysis.weightTables(HeadSlices.of(bert, a), HeadSlices.of(bert, b))
                : HeadAnalysis.weightTables(HeadSlices.of((LlamaModel) m.model(), a), HeadSlices.of((LlamaModel) m.model(), b));
    }

    /** The diff of the whole ablated set against the clean model (empty text when nothing is ablated). */
    public static String outcomeText(Tokenizer tok, Result result) {
        return switch (result.outcome()) {
            case null -> "";
            case HeadAblation.SetEffect e -> diff(tok, e);
            case EncoderHeads.SetChange c -> result.encoderOne() != null
                    ? encoderDiff(c.set().mode(), result.encoderOne()) : encoderDiff(c);
        };
    }

    /** What removing a set of an encoder's heads changed: hidden states and sentence embedding. */
    static String encoderDiff(EncoderHeads.SetChange c) {
        return I18n.text("heads.encoderDiff",
                c.set().label(), c.set().mode().name().toLowerCase(Locale.ROOT), c.hiddenChange(), c.embeddingCosine());
    }

    /** What an encoder's ablation changed: hidden states, sentence embedding, the next layer's attention. */
    static String encoderDiff(HeadAblation.Mode mode, EncoderHeads.Change c) {
        HeadAblation.Effect e = c.effect();
        StringBuilder sb = new StringBuilder(I18n.text("heads.encoderDiff",
                "L" + e.layer() + "H" + e.head(), mode.name().toLowerCase(Locale.ROOT), e.lossIncrease(), c.embeddingCosine()));
        double[] js = c.nextLayerJs();
        if (js.length == 0) {
            return sb.append(I18n.text("heads.lastLayer")).toString();
        }
        Integer[] order = new Integer[js.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(js[b], js[a]));
        sb.append(I18n.text("heads.movedMost", e.layer() + 1)).append('\n');
        for (int i = 0; i < Math.min(5, order.length); i++) {
            sb.append(String.format(Locale.ROOT, "  L%dH%-3d %.6f%n", e.layer() + 1, order[i], js[order[i]]));
        }
        return sb.toString();
    }

    /** Top 5 next tokens before and after the set is removed, marking tokens that moved; loss and KL. */
    static String diff(Tokenizer tok, HeadAblation.SetEffect e) {
        int[] before = e.before().ids();
        int[] after = e.after().ids();
        StringBuilder sb = new StringBuilder(I18n.text("heads.decoderDiff",
                e.set().label(), e.set().mode().name().toLowerCase(Locale.ROOT), e.lossIncrease(), e.klLast(),
                e.before().probabilities()[0], e.beforeIdsAfter()[0]));
        sb.append(String.format(Locale.ROOT, "%-18s %-18s%n", I18n.text("heads.before"), I18n.text("heads.after")));
        for (int i = 0; i < before.length; i++) {
            String b = tok.display(before[i]);
            String a = i < after.length ? tok.display(after[i]) : "";
            sb.append(String.format(Locale.ROOT, "%d. %-15s %s %s%n", i + 1, b, i < after.length && before[i] == after[i] ? " " : "\u2260", a));
        }
        return sb.toString();
    }

    /** Writes every score table as the {@code heads} command does (CSV and NPY per table, roles, manifest). */
    public static List<String> exportTo(Path dir, LoadedModel m, Result result) throws IOException {
        return HeadReportFiles.write(dir, m, result.report(), settings(m), result.set().isEmpty() ? I18n.text(I18n.ENGLISH, "heads.exportSource")
                : I18n.text(I18n.ENGLISH, "heads.exportSourceAblated", result.set().label()), null, result.outcome());
    }
}
