package dev.glassbox.app.service;

import java.util.Locale;
import java.util.function.Consumer;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.StringProperty;
import javafx.concurrent.Worker;

import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.Seq2SeqModel;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Generate for an encoder-decoder in the explorer: the prompt is the source, the decoder writes the target. One run
 * at a time; its outcome (decode and grid of cross-, decoder and encoder attention) is published when it finishes.
 */
public final class Seq2SeqRuns {
    private final StringProperty status;
    private final Consumer<String> onError;
    private final Runnable onShown;
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy", false);
    private final ReadOnlyObjectWrapper<Shown> last = new ReadOnlyObjectWrapper<>(this, "last");
    private Seq2SeqRun running;

    /** A finished run and the model that ran it. */
    public record Shown(LoadedModel model, Seq2SeqModel.Decoded decoded, GridContent grid) {
    }

    Seq2SeqRuns(StringProperty status, Consumer<String> onError, Runnable onShown) {
        this.status = status;
        this.onError = onError;
        this.onShown = onShown;
    }

    public ReadOnlyBooleanProperty busyProperty() { return busy.getReadOnlyProperty(); }

    /** The last finished run (its decode and grid). */
    public ReadOnlyObjectProperty<Shown> lastProperty() { return last.getReadOnlyProperty(); }

    void start(LoadedModel m, String text, int maxNew) {
        if (running != null) {
            return;
        }
        Seq2SeqRun t = Seq2SeqRun.start(m, text, maxNew);
        running = t;
        busy.set(true);
        status.bind(t.messageProperty());
        t.stateProperty().addListener((o, a, s) -> {
            if (s == Worker.State.SUCCEEDED || s == Worker.State.FAILED || s == Worker.State.CANCELLED) {
                finish(m, t);
            }
        });
    }

    void cancel() {
        if (running != null) {
            running.cancel(false);
        }
    }

    private void finish(LoadedModel m, Seq2SeqRun t) {
        running = null;
        status.unbind();
        busy.set(false);
        if (t.getState() == Worker.State.FAILED) {
            status.set(I18n.text("status.runFailed"));
            onError.accept(ErrorMessages.describe(I18n.text("status.theRun"), t.getException()));
            return;
        }
        if (t.getState() == Worker.State.CANCELLED) {
            status.set(I18n.text("status.stopped"));
            return;
        }
        Seq2SeqRun.Outcome out = t.getValue();
        Seq2SeqModel.Decoded d = out.decoded();
        status.set(I18n.text("run.seq2seqDone",
                d.source().length, d.output().length, I18n.text("stop." + d.stop().name().toLowerCase(Locale.ROOT))));
        last.set(new Shown(m, d, out.grid()));
        onShown.run();
    }
}
