package dev.glassbox.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.glassbox.app.service.HeadStageText;
import dev.glassbox.engine.analysis.heads.CapturedRun;
import dev.glassbox.engine.analysis.heads.EncoderHeads;
import dev.glassbox.engine.analysis.heads.HeadAblation;
import dev.glassbox.engine.analysis.heads.HeadAnalysis;
import dev.glassbox.engine.analysis.heads.HeadReport;
import dev.glassbox.engine.analysis.heads.HeadReportFiles;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.visuals.i18n.I18n;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "heads", mixinStandardHelpOptions = true,
        description = {"Compare and classify attention heads: weight-space orthogonality, attention behaviour, "
                + "roles (previous-token, duplicate, induction, positional) and ablation importance.",
                "Works on Llama-family decoders and BERT encoders; '--model minilm' and '--model bge-small-zh' are the"
                        + " bundled encoders.",
                "Writes DIR/<metric>.layer<l>.csv and .npy (heads x heads), DIR/roles.csv, DIR/ablation.csv and DIR/manifest.json;"
                        + " with --ablate also DIR/ablation_set.csv (the heads removed together vs the clean run)."})
public final class HeadsCommand extends WritingCommand {
    @Option(names = "--text-file", converter = Converters.InputFile.class, paramLabel = "F",
            description = "text to analyse (default: the repeated-random-tokens probe)")
    Path textFile;

    @Option(names = "--max-tokens", converter = Converters.Positive.class, defaultValue = "128", paramLabel = "N",
            description = "tokens of the input to use (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder: new, empty or one Glassbox wrote (else --force)")
    Path out;

    @Option(names = "--ablation", defaultValue = "zero", paramLabel = "MODE",
            description = "zero, mean or none (default ${DEFAULT-VALUE})")
    String ablation;

    @Option(names = "--mean-reference", converter = Converters.InputFile.class, paramLabel = "F",
            description = "text whose mean head outputs feed mean ablation (default: the input)")
    Path meanReference;

    @Option(names = "--ablate", converter = Converters.Heads.class, paramLabel = "L.H,...",
            description = "heads to remove together, e.g. 1.3,2.0 (layer.head); writes ablation_set.csv: loss clean and"
                    + " ablated, KL of the last token's distribution, top next tokens before and after")
    String ablate;

    @Option(names = "--ablation-mode", defaultValue = "zero", paramLabel = "MODE",
            description = "how --ablate removes the heads: zero, or mean (over --mean-reference, else the input);"
                    + " default ${DEFAULT-VALUE}")
    String ablationMode;

    @Option(names = "--cross-layer", description = "also write weight similarities between heads of different layers")
    boolean crossLayer;

    @Option(names = "--seed", defaultValue = "1234", description = "seed of the repeated-random-tokens probe")
    long seed;

    @Option(names = "--special-ids", split = ",", paramLabel = "ID",
            description = "token ids counted as special (default: the tokenizer's BOS and EOS)")
    int[] specialIds;

    @Override
    int run(PrintWriter console) throws Exception {
        if (maxTokens < 3) {
            throw new IllegalArgumentException("--max-tokens must be at least 3, got " + maxTokens);
        }
        HeadAblation.Mode mode = ablation.equalsIgnoreCase("none") ? null : mode(ablation, "--ablation");
        OutputFolder folder = output.folder(model, ForceOption.input("--text-file", textFile),
                ForceOption.input("--mean-reference", meanReference));
        LoadedModel m = model.load();
        if (!(m.model() instanceof LlamaModel) && !(m.model() instanceof BertModel)) {
            throw new IllegalArgumentException(m.name() + ": head analysis needs a Llama-family decoder or a BERT"
                    + " encoder, this is " + m.config().architecture().name().toLowerCase(Locale.ROOT));
        }
        Tokenizer tok = m.tokenizer();
        int bos = tok == null ? 1 : tok.bos();
        int eos = tok == null ? -1 : tok.eos();
        int probeLength = (Math.min(maxTokens, m.config().contextLength()) - 1) / 2;
        HeadAnalysis.Settings d = HeadAnalysis.Settings.defaults(bos, eos, probeLength);
        int[] reference = meanReference == null ? null : encode(tok, meanReference, "--mean-reference");
        HeadAnalysis.Settings settings = new HeadAnalysis.Settings(specialIds != null ? specialIds : d.specialIds(),
                d.jsEpsilon(), bos, probeLength, d.probeUsable(), seed, mode, reference, crossLayer, d.topK());

        int[] tokens;
        String source;
        if (textFile != null) {
            tokens = encode(tok, textFile, "--text-file");
            source = textFile.toString();
        } else {
            tokens = dev.glassbox.engine.analysis.heads.RepeatedTokens.generate(bos, probeLength,
                    m.config().vocabSize(), settings.probeUsable(), seed);
            source = "repeated random tokens (seed " + seed + ")";
        }

        HeadAblation.Mode setMode = ablate == null ? null : mode(ablationMode, "--ablation-mode");
        HeadReport r;
        HeadSet.Outcome set = null;
        try (Parallel parallel = model.threads == null ? Parallel.shared() : new Parallel(model.threads)) {
            if (ablate != null) {
                set = ablateSet(m, tokens, reference, setMode);
            }
            HeadAnalysis.Progress progress = new StageLines(err(), tokens.length, m.config().layers() * m.config().heads());
            r = m.model() instanceof BertModel bert
                    ? HeadAnalysis.analyse(bert, tokens, settings, HeadSet.empty(), parallel, progress)
                    : HeadAnalysis.analyse((LlamaModel) m.model(), tokens, settings, HeadSet.empty(), parallel, progress);
        }
        String meanRef = meanReference != null ? meanReference.toString()
                : settings.ablation() == HeadAblation.Mode.MEAN || setMode == HeadAblation.Mode.MEAN ? "input" : null;
        List<String> files = HeadReportFiles.write(folder, m, r, settings, source, meanRef, set);
        if (set instanceof HeadAblation.SetEffect e) {
            console.printf(Locale.ROOT, "ablated %s (%s): loss %.4f -> %.4f, KL(last) %.4f nats%n", e.set().label(),
                    setMode.name().toLowerCase(Locale.ROOT), e.cleanLoss(), e.loss(), e.klLast());
        } else if (set instanceof EncoderHeads.SetChange c) {
            console.printf(Locale.ROOT, "ablated %s (%s): hidden-state mean squared change %.6f, embedding cosine %.6f%n",
                    c.set().label(), setMode.name().toLowerCase(Locale.ROOT), c.hiddenChange(), c.embeddingCosine());
        }
        console.printf(Locale.ROOT, "%d heads x %d layers on %d tokens in %.0f ms; wrote %d files to %s%n",
                m.config().heads(), m.config().layers(), tokens.length, r.timingsMillis().get("total"),
                files.size(), out);
        return 0;
    }

    /**
     * The analysis's stages on the error stream with their steps done and the time left ({@link HeadStageText}, as the
     * Heads workspace says them): each stage's start, its first step (the first estimate) and its last, and between
     * them at most every {@link #EVERY_NANOS} (the ablation is one resumed pass per head: hours on a large model at
     * thousands of tokens), so a long run says at once how long it will take.
     */
    private static final class StageLines implements HeadAnalysis.Progress {
        private static final long EVERY_NANOS = 10_000_000_000L;
        private final PrintWriter err;
        private final HeadStageText text;
        private long printed = System.nanoTime();

        StageLines(PrintWriter err, int tokens, int heads) {
            this.err = err;
            this.text = new HeadStageText(tokens, heads, "");
        }

        @Override
        public void counted(HeadAnalysis.Stage stage, int done, int total) {
            String line = text.counted(stage, done, total); // every step, so the estimate averages the latest ones
            long now = System.nanoTime();
            if (done <= 1 || done == total || now - printed >= EVERY_NANOS) {
                printed = now;
                err.println(line);
                err.flush();
            }
        }
    }

    private static HeadAblation.Mode mode(String value, String option) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "zero" -> HeadAblation.Mode.ZERO;
            case "mean" -> HeadAblation.Mode.MEAN;
            default -> throw new IllegalArgumentException(option + " must be "
                    + (option.equals("--ablation") ? "zero, mean or none" : "zero or mean") + ", got '" + value + "'");
        };
    }

    /** The --ablate set removed together on the input, against the clean run (means from the reference or the input). */
    private HeadSet.Outcome ablateSet(LoadedModel m, int[] tokens, int[] reference, HeadAblation.Mode mode) {
        if (m.model() instanceof BertModel bert) {
            EncoderHeads.EncoderRun clean = EncoderHeads.capture(bert, tokens);
            float[][][] means = mode == HeadAblation.Mode.MEAN ? HeadAblation.meanOutputs(
                    reference == null ? clean.run() : EncoderHeads.capture(bert, reference).run()) : null;
            return EncoderHeads.change(bert, clean, HeadSet.parse(ablate, m.config(), mode, means));
        }
        LlamaModel llama = (LlamaModel) m.model();
        CapturedRun clean = CapturedRun.of(llama, tokens);
        float[][][] means = mode == HeadAblation.Mode.MEAN ? HeadAblation.meanOutputs(
                reference == null ? clean : CapturedRun.of(llama, reference)) : null;
        return HeadAblation.ablateFrom(llama, clean, HeadSet.parse(ablate, m.config(), mode, means), 5);
    }

    private int[] encode(Tokenizer tok, Path file, String option) throws IOException {
        if (tok == null) {
            throw new IllegalArgumentException(option + " needs a tokenizer; pass --tokenizer");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int[] ids = tok.encode(text);
        if (ids.length < 2) {
            throw new IllegalArgumentException(file + ": the text has " + ids.length + " tokens; need at least 2");
        }
        return Arrays.copyOf(ids, Math.min(ids.length, maxTokens));
    }
}
