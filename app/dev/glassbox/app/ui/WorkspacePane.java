package dev.glassbox.app.ui;

import java.util.function.Consumer;
import java.util.function.Supplier;

import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.BorderPane;

import dev.glassbox.app.service.AnalysisService;
import dev.glassbox.app.service.ErrorMessages;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Common frame of the analysis workspaces: the current model, a Run / Cancel pair with a progress bar, and
 * computations handed to {@link AnalysisService} (never the FX thread) whose failures go to the window's banner.
 */
abstract class WorkspacePane extends BorderPane implements Explanation.Explained {
    final Button run = Texts.bind(new Button(), "workspace.run");
    final Button cancel = Texts.bind(new Button(), "workspace.cancel");
    final ProgressBar progress = new ProgressBar(0);
    final Label message = new Label(" ");
    private final AnalysisService service;
    private final Consumer<String> onError;
    private final Supplier<String> promptText;
    private final ReadOnlyIntegerWrapper runsDone = new ReadOnlyIntegerWrapper(this, "runsDone", 0);
    private LoadedModel model;
    private Task<?> running;
    private Explanation explanation;

    WorkspacePane(String id, AnalysisService service, Consumer<String> onError, Supplier<String> promptText) {
        this.service = service;
        this.onError = onError;
        this.promptText = promptText;
        setId(id);
        run.setId(id + "Run");
        cancel.setId(id + "Cancel");
        message.setId(id + "Message");
        progress.setPrefWidth(160);
        run.setOnAction(e -> runNow());
        cancel.setOnAction(e -> cancelRun());
        setPadding(new Insets(4));
        updateEnabled();
    }

    /** The workspace's "What am I seeing?" panel for {@code views}, at its right; returns its toggle for the toolbar. */
    final javafx.scene.control.ToggleButton explained(String... views) {
        explanation = new Explanation(getId(), views);
        setRight(explanation);
        return explanation.toggle();
    }

    @Override
    public final Explanation explanation() { return explanation; }

    /** Incremented each time a run's results are on screen. */
    ReadOnlyIntegerProperty runsDoneProperty() { return runsDone.getReadOnlyProperty(); }

    final LoadedModel model() { return model; }

    final String promptText() { return promptText.get(); }

    final void setModel(LoadedModel m) {
        cancelRun();
        this.model = m;
        modelChanged(m);
        updateEnabled();
    }

    /** Shows what the workspace can do with {@code m} (null: no model). */
    abstract void modelChanged(LoadedModel m);

    /** Starts this workspace's computation (Run button). */
    abstract void runNow();

    /** Whether {@code m} can be analysed here. */
    abstract boolean supports(LoadedModel m);

    final void cancelRun() {
        if (running != null) {
            running.cancel(false);
        }
    }

    final boolean busy() { return running != null; }

    /** Runs {@code work} on the engine thread; {@code onDone} gets its value on the FX thread. */
    final <T> void launch(String label, AnalysisService.Work<T> work, Consumer<T> onDone) {
        if (running != null) {
            return;
        }
        Task<T> t = service.start(label, work);
        running = t;
        progress.progressProperty().bind(t.progressProperty());
        message.textProperty().bind(t.messageProperty());
        updateEnabled();
        t.stateProperty().addListener((o, a, s) -> {
            if (s != Worker.State.SUCCEEDED && s != Worker.State.FAILED && s != Worker.State.CANCELLED) {
                return;
            }
            running = null;
            progress.progressProperty().unbind();
            message.textProperty().unbind();
            progress.setProgress(s == Worker.State.SUCCEEDED ? 1 : 0);
            updateEnabled();
            switch (s) {
                case FAILED -> {
                    message.setText(I18n.text("workspace.failed", label));
                    onError.accept(ErrorMessages.describe(label, t.getException()));
                }
                case CANCELLED -> message.setText(I18n.text("workspace.cancelled"));
                default -> {
                    message.setText(I18n.text("workspace.done", label));
                    onDone.accept(t.getValue());
                    runsDone.set(runsDone.get() + 1);
                }
            }
        });
    }

    final void error(String text) { onError.accept(text); }

    void updateEnabled() {
        run.setDisable(model == null || running != null || !supports(model));
        cancel.setDisable(running == null);
    }
}
