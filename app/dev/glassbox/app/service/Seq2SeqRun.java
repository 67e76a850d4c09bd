package dev.glassbox.app.service;

import javafx.concurrent.Task;

import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.Seq2SeqModel;
import dev.glassbox.visuals.i18n.I18n;

/**
 * One explorer run of an encoder-decoder on the engine thread: the prompt text is the source, decoded greedily
 * with every attention map captured, and the grid built there too. Cancelling stops between tokens.
 */
public final class Seq2SeqRun extends Task<Seq2SeqRun.Outcome> {

    /** The decode and the grid showing it. */
    public record Outcome(Seq2SeqModel.Decoded decoded, GridContent grid) {
    }

    private final LoadedModel model;
    private final String text;
    private final int maxNew;

    private Seq2SeqRun(LoadedModel model, String text, int maxNew) {
        this.model = model;
        this.text = text;
        this.maxNew = maxNew;
    }

    public static Seq2SeqRun start(LoadedModel model, String text, int maxNew) {
        Seq2SeqRun t = new Seq2SeqRun(model, text, maxNew);
        EngineThread.submit(I18n.text("engine.generation"), t);
        return t;
    }

    @Override
    protected Outcome call() {
        Seq2SeqModel m = model.seq2seq();
        int[] source = m.sourceIds(model.tokenizer().encode(text));
        updateMessage(I18n.text("run.encodingSource", source.length));
        int[] produced = {0};
        Seq2SeqModel.Decoded d = m.generate(source, Math.max(1, maxNew), true, this::isCancelled, tok -> {
            produced[0]++;
            updateMessage(I18n.text("run.decoded", produced[0]));
        });
        return new Outcome(d, Seq2SeqViews.build(m, d, model.tokenizer()));
    }
}
