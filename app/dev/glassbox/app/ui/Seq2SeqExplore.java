package dev.glassbox.app.ui;

import java.util.Locale;
import java.util.function.Consumer;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.concurrent.Worker;
import org.controlsfx.control.StatusBar;

import dev.glassbox.app.service.ErrorMessages;
import dev.glassbox.app.service.Seq2SeqRun;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.Seq2SeqModel;
import dev.glassbox.engine.tokenizer.Tokenizer;

/**
 * Generate for an encoder-decoder in the explorer: the prompt is the source; the chips show the source then the
 * decoded tokens, and the grid shows cross-attention (the alignment maps), decoder and encoder self-attention.
 */
final class Seq2SeqExplore {
    private final ExplorerPane explorer;
    private final PromptPane prompt;
    private final StatusBar status;
    private final Consumer<String> onError;
    private final Runnable onShown;
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy", false);
    private final ReadOnlyObjectWrapper<Seq2SeqRun.Outcome> last = new ReadOnlyObjectWrapper<>(this, "last");
    private Seq2SeqRun running;

    Seq2SeqExplore(ExplorerPane explorer, PromptPane prompt, StatusBar status, Consumer<String> onError, Runnable onShown) {
        this.explorer = explorer;
        this.prompt = prompt;
        this.status = status;
        this.onError = onError;
        this.onShown = onShown;
    }

    ReadOnlyBooleanProperty busyProperty() { return busy.getReadOnlyProperty(); }

    /** The last finished run (its decode and grid). */
    ReadOnlyObjectProperty<Seq2SeqRun.Outcome> lastProperty() { return last.getReadOnlyProperty(); }

    void start(LoadedModel m, String text, int maxNew) {
        if (running != null) {
            return;
        }
        Seq2SeqRun t = Seq2SeqRun.start(m, text, maxNew);
        running = t;
        busy.set(true);
        status.textProperty().bind(t.messageProperty());
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
        status.textProperty().unbind();
        busy.set(false);
        if (t.getState() == Worker.State.FAILED) {
            status.setText("Run failed");
            onError.accept(ErrorMessages.describe("The run", t.getException()));
            return;
        }
        if (t.getState() == Worker.State.CANCELLED) {
            status.setText("Stopped");
            return;
        }
        Seq2SeqRun.Outcome out = t.getValue();
        Seq2SeqModel.Decoded d = out.decoded();
        Tokenizer tok = m.tokenizer();
        int[] all = new int[d.source().length + d.output().length];
        System.arraycopy(d.source(), 0, all, 0, d.source().length);
        System.arraycopy(d.output(), 0, all, d.source().length, d.output().length);
        prompt.showTokens(tok, all, d.source().length);
        prompt.output.setText(tok.decode(d.output()));
        explorer.show(out.grid());
        status.setText(String.format(Locale.ROOT, "%d source tokens \u2192 %d output tokens \u00b7 stopped: %s",
                d.source().length, d.output().length, d.stop().name().toLowerCase(Locale.ROOT).replace('_', ' ')));
        last.set(out);
        onShown.run();
    }
}
