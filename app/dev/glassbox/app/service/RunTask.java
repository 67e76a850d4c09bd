package dev.glassbox.app.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.function.Consumer;

import javafx.concurrent.Task;

import dev.glassbox.engine.analysis.NextTokenSummaries;
import dev.glassbox.engine.analysis.heads.EncoderHeads;
import dev.glassbox.engine.analysis.heads.HeadAblation;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.knowledge.InjectedInput;
import dev.glassbox.engine.knowledge.KnowledgeModel;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceStep;
import dev.glassbox.visuals.i18n.I18n;

/**
 * One run on the engine thread: a decoder generates token by token, an encoder encodes once. Each step
 * goes to {@code onStep} on the engine thread (the receiver coalesces before touching the UI); progress
 * and the tokens/s message use the Task's own coalesced properties. Cancelling stops between tokens. With heads
 * ablated the run uses that intervention throughout, and then compares the prediction after the prompt with
 * the clean model's.
 */
public final class RunTask extends Task<RunOutcome> {
    /** Next-token predictions compared clean vs ablated. */
    public static final int TOP_K = 5;
    private final RunRequest req;
    private final Consumer<LiveRun> onStep;

    /** @param waiting what the task waits for until it starts (null: nothing) */
    RunTask(RunRequest req, Consumer<LiveRun> onStep, String waiting) {
        this.req = req;
        this.onStep = onStep;
        updateMessage(waiting == null ? I18n.text("status.running") : waiting);
    }

    @Override
    protected RunOutcome call() {
        return req.model().isDecoder() ? decode() : encode();
    }

    private RunOutcome decode() {
        LoadedModel m = req.model();
        HeadSet ablated = req.ablated();
        // patterns kept as queries and thumbnails: the explorer's memory grows with the positions, not their square
        Capture cap = new Capture(HookSelection.of(RunService.HOOKS), m.config().layers()).storingPatterns();
        DecoderSession session = m.decoder().newSession(cap, ablated.intervention(m.config()));
        int[] prompt = req.promptIds();
        int total = Math.min(prompt.length + req.settings().newTokens(), session.capacity());
        LiveRun live = new LiveRun(prompt.length, cap.attention().orElse(null));
        // each step's logits are summarised and dropped as it arrives: vocabulary x positions floats are never kept
        NextTokenSummaries predictions = new NextTokenSummaries();
        long[] firstGenerated = {0};
        StatusLine line = new StatusLine(total);
        updateMessage(I18n.text("status.running"));
        Generation.Result r = Generation.run(session, m.tokenizer(), prompt, req.settings(), step -> {
            live.add(predictions.take(step));
            onStep.accept(live);
            int n = live.size();
            long now = System.nanoTime();
            double speed = Double.NaN;
            if (step.generated()) {
                if (firstGenerated[0] == 0) {
                    firstGenerated[0] = now;
                }
                double secs = (now - firstGenerated[0]) / 1e9;
                int gen = n - prompt.length;
                speed = gen > 1 && secs > 0 ? (gen - 1) / secs : Double.NaN;
            }
            if (line.due(now, n >= total)) { // progress and text together: one repaint of the status bar
                updateProgress(n, total);
                updateMessage(line.text(n, speed));
            }
        }, Generation.TokenListener.NONE, this::isCancelled);
        HeadSet.Outcome change = null;
        if (!ablated.isEmpty() && prompt.length >= 2 && !isCancelled()) {
            updateMessage(I18n.text("run.comparing"));
            change = HeadAblation.ablate(m.decoder(), prompt,
                    dev.glassbox.engine.analysis.heads.RunOutcome.of(m.decoder(), prompt, Intervention.NONE), ablated, TOP_K);
        }
        return new RunOutcome(r.tokens(), r.promptLength(), live.snapshot(), r.stop(), r.tokensPerSecond(), change, null,
                predictions.predictions(r.tokens()));
    }

    /**
     * A generating run's status line, "position n / total · s tok/s · about t s left", and its progress bar: updated
     * at most every {@link #INTERVAL_NANOS} (five times a second whatever the token rate, the live frames' rate on two
     * cores: each new text makes a pulse that lays the window out from the status bar up, walks every node's bounds
     * and repaints the bar; at ten a second these were most of the FX thread's pulses in a run) and always at the last
     * position. Engine thread only.
     */
    static final class StatusLine {
        static final long INTERVAL_NANOS = 200_000_000L;
        private final int total;
        private long lastNanos;
        private boolean shown;

        StatusLine(int total) {
            this.total = total;
        }

        /** Whether the text should be formatted at {@code now} (System.nanoTime); if so, it counts as shown. */
        boolean due(long now, boolean lastPosition) {
            if (shown && !lastPosition && now - lastNanos < INTERVAL_NANOS) {
                return false;
            }
            shown = true;
            lastNanos = now;
            return true;
        }

        /**
         * The text at position {@code n} with the tokens/s so far (NaN: none yet) and, from them, the time left to the
         * last position (an end-of-text token may stop the run sooner).
         */
        String text(int n, double tokensPerSecond) {
            if (Double.isNaN(tokensPerSecond) || tokensPerSecond <= 0) {
                return I18n.text("run.position", n, total);
            }
            String speed = I18n.text("status.speed", String.format(Locale.ROOT, "%.1f", tokensPerSecond));
            String left = n >= total ? ""
                    : I18n.text("status.left", String.format(Locale.ROOT, "%.0f", Math.ceil((total - n) / tokensPerSecond)));
            return I18n.text("run.position", n, total) + speed + left;
        }
    }

    private RunOutcome encode() {
        LoadedModel m = req.model();
        int[] ids = req.promptIds();
        updateMessage(I18n.text("run.encoding", ids.length));
        Capture cap = new Capture(HookSelection.of("blocks.*.attn.pattern"), m.config().layers());
        HeadSet ablated = req.ablated();
        HeadSet.Outcome change = null;
        InjectedInput in = null;
        Optional<KnowledgeModel> knowledge = m.model() instanceof BertModel ? knowledge(m) : Optional.empty();
        if (m.model() instanceof BertModel bert && knowledge.isPresent()) {
            // a model trained with knowledge reads the prompt as training did: triples injected, soft positions, visible matrix
            in = knowledge.get().inject(ids, m.tokenizer());
            ids = in.ids();
            float[][] hidden = bert.encode(ids, in.types(), in.positions(), in.visible(), cap, ablated.intervention(m.config()));
            if (!ablated.isEmpty()) {
                float[][] clean = bert.encode(ids, in.types(), in.positions(), in.visible(), Capture.none(m.config().layers()),
                        Intervention.NONE);
                change = EncoderHeads.SetChange.between(ablated, bert.pooling(), clean, hidden);
            }
        } else if (ablated.isEmpty()) {
            m.encoder().encode(ids, null, cap);
        } else if (m.model() instanceof BertModel bert) {
            float[][] hidden = bert.encode(ids, null, cap, ablated.intervention(m.config()));
            float[][] clean = bert.encode(ids, null, Capture.none(m.config().layers()), Intervention.NONE);
            change = EncoderHeads.SetChange.between(ablated, bert.pooling(), clean, hidden);
        } else {
            throw new IllegalArgumentException(I18n.text("run.encoderAblation", m.name()));
        }
        Trace t = Trace.of(List.of(new TraceStep(0, ids[0], false, cap.drain())));
        updateProgress(1, 1);
        return new RunOutcome(ids, ids.length, t, Generation.StopReason.STEPS, 0, change, in, List.of());
    }

    /** The knowledge a model folder was trained with (empty for other models); a broken one fails the run. */
    private static Optional<KnowledgeModel> knowledge(LoadedModel m) {
        try {
            return KnowledgeModel.of(m.source() != null && Files.isDirectory(m.source()) ? m.source() : null, m.tokenizer());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
