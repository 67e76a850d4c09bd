package dev.glassbox.app.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;

import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;

import dev.glassbox.app.hub.HubException;
import dev.glassbox.app.hub.RepoRef;
import dev.glassbox.app.service.ErrorMessages;
import dev.glassbox.app.service.HubService;
import dev.glassbox.visuals.Theme;
import dev.glassbox.visuals.i18n.I18n;

/**
 * File ▸ Get model…: a repository name, a revision and, for a repository of several GGUF files, which one; then the
 * download with its progress (bytes, speed, time left) and Cancel. On success the model opens.
 */
final class GetModelDialog {
    final Stage stage = new Stage();
    final TextField repo = new TextField();
    final TextField revision = new TextField(RepoRef.DEFAULT_REVISION);
    final ComboBox<String> file = new ComboBox<>();
    final Button list = new Button();
    final Button get = new Button();
    final Button cancel = new Button();
    final ProgressBar progress = new ProgressBar(0);
    final Label status = new Label();
    private final HubService hub;
    private final BiConsumer<Path, String> open;
    private Task<?> running;
    /** A listing or download is running: the form is locked, Cancel stops it. */
    private final BooleanProperty busy = new SimpleBooleanProperty();

    /** {@code open} receives the downloaded folder or file and the label to list it under. */
    GetModelDialog(Window owner, HubService hub, BiConsumer<Path, String> open) {
        this.hub = hub;
        this.open = open;
        stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        stage.titleProperty().bind(I18n.bind("hub.title"));
        repo.setId("hubRepo");
        revision.setId("hubRevision");
        file.setId("hubFile");
        list.setId("hubList");
        get.setId("hubGet");
        cancel.setId("hubCancel");
        progress.setId("hubProgress");
        status.setId("hubStatus");
        repo.promptTextProperty().bind(I18n.bind("hub.repoPrompt"));
        file.promptTextProperty().bind(I18n.bind("hub.filePrompt"));
        file.setEditable(true);
        Texts.bind(list, "hub.listFiles");
        Texts.bind(get, "hub.get");
        Texts.bind(cancel, "hub.cancel");
        get.setDefaultButton(true);
        get.disableProperty().bind(repo.textProperty().isEmpty().or(busy));
        list.disableProperty().bind(repo.textProperty().isEmpty().or(busy));
        repo.disableProperty().bind(busy);
        revision.disableProperty().bind(busy);
        file.disableProperty().bind(busy);
        repo.setPrefColumnCount(30);
        file.setMaxWidth(Double.MAX_VALUE);
        progress.setMaxWidth(Double.MAX_VALUE);
        status.setWrapText(true);
        status.setMaxWidth(Double.MAX_VALUE);
        status.setMinHeight(Region.USE_PREF_SIZE); // a long message wraps onto more lines, never "…"
        status.textProperty().addListener((o, a, b) -> Platform.runLater(stage::sizeToScene));

        GridPane form = new GridPane(10, 8);
        form.addRow(0, Texts.label("hub.repo"), repo);
        form.addRow(1, Texts.label("hub.revision"), revision);
        HBox fileRow = new HBox(8, file, list);
        HBox.setHgrow(file, Priority.ALWAYS);
        form.addRow(2, Texts.label("hub.file"), fileRow);
        GridPane.setHgrow(repo, Priority.ALWAYS);
        GridPane.setHgrow(fileRow, Priority.ALWAYS);
        Label where = Texts.label("hub.cacheAt", hub.cacheFolder());
        where.setWrapText(true);
        where.setMinHeight(Region.USE_PREF_SIZE);
        where.getStyleClass().add("hint");
        HBox buttons = new HBox(8, get, cancel);
        buttons.setStyle("-fx-alignment: center-right;");
        VBox root = new VBox(12, form, where, progress, status, buttons);
        root.setPadding(new Insets(16));
        root.setPrefWidth(560);
        root.getStylesheets().setAll(AppStyle.url(Theme.current())); // the window's theme (set once: the dialog is short-lived)
        stage.setScene(new Scene(root));
        progress.setVisible(false);

        list.setOnAction(e -> listFiles());
        get.setOnAction(e -> download());
        cancel.setOnAction(e -> {
            if (running != null && running.isRunning()) {
                running.cancel();
            } else {
                stage.close();
            }
        });
        stage.setOnHidden(e -> {
            if (running != null) running.cancel();
        });
    }

    void show() {
        stage.show();
        repo.requestFocus();
    }

    /** The repository the form names, or null after saying in the status line why it names none. */
    private RepoRef ref() {
        String rev = revision.getText() == null || revision.getText().isBlank() ? RepoRef.DEFAULT_REVISION : revision.getText().strip();
        try {
            return new RepoRef(repo.getText().strip(), rev);
        } catch (IllegalArgumentException e) {
            status.setText(e.getMessage()); // already in the window's language (HubException.text)
            return null;
        }
    }

    private void listFiles() {
        RepoRef r = ref();
        if (r == null) return;
        Task<List<String>> t = hub.ggufFiles(r);
        track(t);
        t.setOnSucceeded(e -> {
            List<String> files = t.getValue();
            file.getItems().setAll(files);
            if (files.size() == 1) file.setValue(files.getFirst());
            status.setText(files.isEmpty() ? I18n.text("hub.noGguf", r.id())
                    : files.size() > 1 ? I18n.text("hub.chooseOne", r.id()) : "");
            if (files.size() > 1) file.show();
        });
    }

    private void download() {
        RepoRef r = ref();
        if (r == null) return;
        String chosen = file.getEditor().getText() == null || file.getEditor().getText().isBlank() ? null : file.getEditor().getText().strip();
        Task<Path> t = hub.pull(r, chosen);
        track(t);
        progress.setVisible(true);
        progress.progressProperty().bind(t.progressProperty());
        t.setOnSucceeded(e -> {
            status.setText(I18n.text("hub.done", r.id()));
            String label = chosen == null ? r.id() : r.id() + "/" + t.getValue().getFileName();
            stage.close();
            open.accept(t.getValue(), label);
        });
        t.setOnCancelled(e -> status.setText(I18n.text("hub.cancelled")));
    }

    /** Shows a task's messages, locks the form while it runs and shows its failure. */
    private void track(Task<?> t) {
        running = t;
        busy.set(true);
        status.textProperty().bind(t.messageProperty());
        t.stateProperty().addListener((o, a, s) -> {
            if (s == Worker.State.SUCCEEDED || s == Worker.State.FAILED || s == Worker.State.CANCELLED) {
                status.textProperty().unbind();
                busy.set(false);
                progress.progressProperty().unbind();
                if (s == Worker.State.FAILED) {
                    progress.setVisible(false);
                    Throwable x = t.getException();
                    if (x instanceof HubException.ChooseFile c) {
                        file.getItems().setAll(c.files());
                        file.show();
                    }
                    status.setText(I18n.text("hub.failed", ErrorMessages.describe(I18n.locale(), x)));
                }
            }
        });
    }
}
