package dev.glassbox.app.service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import javafx.application.Platform;

import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.knowledge.Cloze;
import dev.glassbox.engine.knowledge.KnowledgeBase;
import dev.glassbox.engine.knowledge.KnowledgeCorpus;
import dev.glassbox.engine.knowledge.KnowledgeModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.train.BertCheckpoint;
import dev.glassbox.engine.train.EncoderCorpus;
import dev.glassbox.engine.train.EncoderData;
import dev.glassbox.engine.train.EncoderExample;
import dev.glassbox.engine.train.EncoderListener;
import dev.glassbox.engine.train.EncoderModels;
import dev.glassbox.engine.train.EncoderObjective;
import dev.glassbox.engine.train.EncoderTrainer;
import dev.glassbox.engine.train.SyntheticTask;
import dev.glassbox.engine.train.TrainingControl;
import dev.glassbox.engine.train.TrainingProgress;

/**
 * One encoder pre-training run (MLM, NSP or RTD) on its own thread, as {@link TrainingRun} is for the decoder: steps and
 * the MLM head's predictions on the step's first example reach the UI through {@code onFrame} at most about ten times
 * a second (the view is built on the training thread, so the FX thread only shows it); pause and resume act between
 * steps, stop before the next one.
 */
public final class EncoderRun implements ActiveRun {
    /** Whole words in the WordPiece vocabulary the workspace learns (as train --vocab-words' default). */
    static final int VOCAB_WORDS = 1000;
    /** Grammar stories an encoder trains on for the stories task (as the command line). */
    static final int STORIES = 1000;

    /**
     * Steps since the previous frame, the latest masked-token view and the latest held-out fact score with its step
     * (each null when none is new).
     */
    public record Frame(List<TrainingProgress> steps, EncoderModels.Loss loss, EncoderListener.MaskedView masked,
                        FactsAt facts) {
    }

    /** A knowledge run's held-out fact score at an evaluation step. */
    public record FactsAt(int step, KnowledgeCorpus.FactScore score) {
    }

    /** What a run trains on, opened on the training thread: the trainer's options and a knowledge run's extras. */
    private record Prepared(EncoderTrainer.Options options, Knowledge knowledge) {
    }

    /**
     * A knowledge run's base (as read), settings, held-out cloze examples (empty without a held-out file) and the
     * prompt the explorer opens a saved model with.
     */
    private record Knowledge(KnowledgeSettings settings, KnowledgeBase kb, List<EncoderExample> clozes, int seq, String probe) {
    }

    /** How the run ended: {@code result} null when it failed ({@code error} then says why). */
    public record End(EncoderTrainer.Result result, boolean stopped, Throwable error, boolean dataError) {
    }

    private static final long FRAME_NANOS = 100_000_000L;

    private final TrainingControl control = new TrainingControl();
    private final Consumer<Frame> onFrame;
    private final List<TrainingProgress> pending = new ArrayList<>();
    private EncoderModels.Loss pendingLoss;
    private EncoderListener.MaskedView pendingView;
    private volatile TrainingProgress last;
    private volatile EncoderModels models;
    private volatile EncoderData data;
    private volatile EncoderObjective objective;
    private volatile Knowledge knowledge;
    private volatile FactsAt facts;
    private FactsAt pendingFacts;
    private boolean done;
    private long lastFrame;

    private EncoderRun(Consumer<Frame> onFrame) {
        this.onFrame = onFrame;
    }

    /** The corpus an encoder trains on: a text file, or the stories grammar; other tasks are not text. */
    static EncoderCorpus corpus(TrainingSource source, long seed) throws java.io.IOException {
        return switch (source) {
            case TrainingSource.Text t -> EncoderCorpus.read(t.file(), VOCAB_WORDS);
            case TrainingSource.Task t when t.task() == SyntheticTask.STORIES -> EncoderCorpus.stories(seed, STORIES, VOCAB_WORDS);
            case TrainingSource.Task t -> throw new IllegalArgumentException("encoder objectives train on text: choose "
                    + "stories or a text file, not " + t.label());
        };
    }

    /**
     * Opens {@code source} on a new thread, builds the options from the data ({@code options}) and trains;
     * {@code onFrame} and {@code onEnd} run on the FX thread.
     */
    public static EncoderRun start(TrainingSource source, long seed, Function<EncoderCorpus, EncoderTrainer.Options> options,
                                   Consumer<Frame> onFrame, Consumer<End> onEnd) {
        return start(() -> new Prepared(options.apply(corpus(source, seed)), null), onFrame, onEnd);
    }

    /**
     * MLM on the sentences of {@code text} (one a line) with {@code k}'s knowledge injected, as {@code train --knowledge}
     * does; with a held-out file, the fact score at each evaluation step reaches {@code onFrame} too.
     */
    public static EncoderRun startKnowledge(Path text, KnowledgeSettings k, TrainingSettings settings,
                                            Consumer<Frame> onFrame, Consumer<End> onEnd) {
        return start(() -> {
            KnowledgeBase kb = KnowledgeBase.read(k.knowledge());
            List<Cloze> held = k.heldOut() == null ? List.of() : Cloze.read(k.heldOut());
            KnowledgeCorpus corpus = KnowledgeCorpus.read(text, kb, k.injection(), settings.seq(), VOCAB_WORDS);
            List<EncoderExample> clozes = corpus.clozeExamples(held); // an answer the vocabulary cannot score fails here
            String probe = held.isEmpty() ? corpus.firstSentence() : held.getFirst().sentence();
            return new Prepared(settings.encoderOptions(EncoderObjective.MLM, corpus.data()),
                    new Knowledge(k, kb, clozes, settings.seq(), probe));
        }, onFrame, onEnd);
    }

    private static EncoderRun start(Callable<Prepared> prepare, Consumer<Frame> onFrame, Consumer<End> onEnd) {
        EncoderRun run = new EncoderRun(onFrame);
        Thread t = new Thread(() -> run.train(prepare, onEnd), "glassbox-encoder-trainer");
        t.setDaemon(true);
        t.start();
        return run;
    }

    private void train(Callable<Prepared> prepare, Consumer<End> onEnd) {
        EncoderTrainer.Options o;
        try {
            Prepared p = prepare.call();
            o = p.options();
            knowledge = p.knowledge();
        } catch (Exception | OutOfMemoryError e) {
            finish(onEnd, new End(null, false, e, true));
            return;
        }
        try (Parallel par = new Parallel(Math.max(1, Runtime.getRuntime().availableProcessors()))) {
            data = o.data();
            objective = o.objective();
            EncoderModels m = new EncoderModels(o.objective(), o.shape(), EncoderModels.generatorShape(o.shape()),
                    o.lambda(), par);
            m.initialise(o.seed());
            models = m;
            EncoderTrainer.Result r = new EncoderTrainer(o, par, line -> { }).observe(this::onStep, control).run(m);
            synchronized (this) {
                done = true;
            }
            control.runPending();
            finish(onEnd, new End(r, control.stopRequested(), null, false));
        } catch (Exception | OutOfMemoryError e) {
            synchronized (this) {
                done = true;
            }
            control.runPending();
            finish(onEnd, new End(null, false, e, false));
        }
    }

    private void finish(Consumer<End> onEnd, End end) {
        Platform.runLater(() -> {
            drain();
            onEnd.accept(end);
        });
    }

    /** Training thread, between steps. */
    private void onStep(TrainingProgress p, EncoderModels.Loss loss, EncoderListener.MaskedView view) {
        Knowledge k = knowledge;
        FactsAt scored = null;
        if (k != null && !k.clozes().isEmpty() && p.validationLoss().isPresent()) {
            // at the trainer's evaluation steps, between steps: the cloze forward replaces no pass a step still needs
            scored = new FactsAt(p.step(), KnowledgeCorpus.factScore(models, k.clozes()));
            facts = scored;
        }
        last = p;
        long now = System.nanoTime();
        boolean flush = control.pauseRequested() || control.stopRequested() || p.step() == p.steps();
        synchronized (this) {
            pending.add(p);
            pendingLoss = loss;
            pendingView = view;
            if (scored != null) pendingFacts = scored;
        }
        if (flush || now - lastFrame >= FRAME_NANOS) {
            lastFrame = now;
            Platform.runLater(this::drain);
        }
    }

    /** FX thread: hands everything not yet shown to the UI. */
    private void drain() {
        Frame f;
        synchronized (this) {
            f = new Frame(List.copyOf(pending), pendingLoss, pendingView, pendingFacts);
            pending.clear();
            pendingView = null;
            pendingFacts = null;
        }
        if (!f.steps().isEmpty()) onFrame.accept(f);
    }

    @Override
    public void pause() {
        control.pause();
        control.betweenSteps(() -> Platform.runLater(this::drain));
    }

    @Override
    public void resume() { control.resume(); }

    @Override
    public void stop() { control.stop(); }

    @Override
    public Optional<TrainingProgress> lastProgress() { return Optional.ofNullable(last); }

    /**
     * The explorer's prompt for a saved encoder: none (an encoder has no text to continue), except after knowledge
     * training, where a held-out cloze sentence (else the text's first sentence) shows the injected knowledge.
     */
    @Override
    public String probeText() {
        Knowledge k = knowledge;
        return k == null ? "" : k.probe();
    }

    /** Writes the encoder as it is after the latest finished step to {@code dir} as a Hugging Face bert folder. */
    @Override
    public CompletableFuture<Path> saveCheckpoint(Path dir) {
        return CheckpointSave.request(dir, this, () -> done, control, to -> {
            EncoderModels m = models;
            TrainingProgress p = last;
            if (m == null || p == null) throw new IllegalStateException("no training step has finished yet");
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("command", "Glassbox Train workspace");
            t.put("objective", objective.spelling());
            t.put("data", data.describe());
            t.put("steps", p.step());
            t.put("parameters", m.parameterCount());
            t.put("final_train_loss", p.trainLoss());
            BertCheckpoint.write(to, m, data.vocabulary(), t);
            Knowledge k = knowledge;
            if (k != null) {
                FactsAt f = facts;
                KnowledgeSettings ks = k.settings();
                // the folder was checked before the request and has just been written by Glassbox
                KnowledgeModel.write(OutputFolder.check(to, "The folder", true), k.kb(), ks.injection(), k.seq(),
                        KnowledgeModel.trainedOn(ks.knowledge(), f == null ? null : ks.heldOut(), k.clozes().size(),
                                f == null ? Double.NaN : f.score().accuracy()));
            }
        });
    }
}
