package dev.glassbox.app.ui;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

import dev.glassbox.app.service.ErrorMessages;
import dev.glassbox.app.service.KnowledgeSettings;
import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.knowledge.Injection;
import dev.glassbox.engine.knowledge.SyntheticWorld;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The Train workspace's knowledge injection for the MLM objective (ROOTS sec. 3.2, as {@code train --knowledge
 * --injection --held-out}): a knowledge base file, the injection, and an optional held-out cloze file; "Make a
 * world" writes a synthetic world as {@code make-world} does and picks its three files. Without a knowledge base
 * the run is plain MLM.
 */
final class KnowledgePane extends VBox {
    /** The seed of the world "Make a world" writes (make-world's default). */
    static final long WORLD_SEED = 1;

    final Button chooseBase = Texts.bind(new Button(), "train.knowledgeChoose");
    final Button makeWorld = Texts.bind(new Button(), "train.knowledgeMakeWorld");
    final Button forget = Texts.bind(new Button(), "train.knowledgeNone");
    final ChoiceBox<Injection> injection = new ChoiceBox<>();
    final Button chooseHeldOut = Texts.bind(new Button(), "train.heldOutChoose");
    final Label note = new Label();
    private final Consumer<Path> useText;
    private Path base;
    private Path heldOut;
    private boolean locked;

    /** @param useText trains on this text file from the next Start (a made world's train.txt) */
    KnowledgePane(Consumer<Path> useText) {
        this.useText = useText;
        setId("trainKnowledge");
        setSpacing(4);
        injection.getItems().addAll(new Injection.None(), new Injection.Append(), new Injection.KBert());
        injection.setValue(new Injection.KBert());
        Texts.names(injection.converterProperty(), KnowledgePane::name);
        chooseBase.setId("trainKnowledgeChoose");
        makeWorld.setId("trainKnowledgeMakeWorld");
        forget.setId("trainKnowledgeNone");
        injection.setId("trainInjection");
        chooseHeldOut.setId("trainHeldOutChoose");
        note.setId("trainKnowledgeNote");
        chooseBase.setTooltip(Texts.tooltip("train.knowledgeChooseTip"));
        makeWorld.setTooltip(Texts.tooltip("train.knowledgeMakeWorldTip"));
        forget.setTooltip(Texts.tooltip("train.knowledgeNoneTip"));
        injection.setTooltip(Texts.tooltip("train.injectionTip"));
        chooseHeldOut.setTooltip(Texts.tooltip("train.heldOutChooseTip"));
        note.setWrapText(true);
        note.setMaxWidth(360);
        note.managedProperty().bind(note.textProperty().isNotEmpty());
        chooseBase.setOnAction(e -> choose(false));
        chooseHeldOut.setOnAction(e -> choose(true));
        makeWorld.setOnAction(e -> chooseWorldFolder());
        forget.setOnAction(e -> forget());

        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(4);
        Label baseName = Texts.label("train.knowledge");
        baseName.setLabelFor(chooseBase);
        Label injectionName = Texts.label("train.injection");
        injectionName.setLabelFor(injection);
        Label heldOutName = Texts.label("train.heldOut");
        heldOutName.setLabelFor(chooseHeldOut);
        for (Label l : new Label[] {baseName, injectionName, heldOutName}) l.setMinWidth(Region.USE_PREF_SIZE);
        g.addRow(0, baseName, new HBox(4, chooseBase, forget));
        g.add(makeWorld, 1, 1);
        g.addRow(2, injectionName, injection);
        g.addRow(3, heldOutName, chooseHeldOut);
        getChildren().addAll(g, note);
        setPadding(new Insets(0, 0, 4, 0));
        update();
    }

    private static String name(Injection i) {
        return switch (i) {
            case Injection.None n -> I18n.text("train.injectionNone");
            case Injection.Append a -> I18n.text("train.injectionAppend");
            case Injection.KBert k -> I18n.text("train.injectionKBert");
        };
    }

    /** The knowledge of the next run, or null when no base is chosen (plain MLM). */
    KnowledgeSettings settings() {
        return base == null ? null : new KnowledgeSettings(base, injection.getValue(), heldOut);
    }

    /** Injects the triples of {@code file} from the next Start. */
    void setBase(Path file) {
        base = file;
        note.setText("");
        update();
    }

    /** Measures fact accuracy on the cloze sentences of {@code file} from the next Start. */
    void setHeldOut(Path file) {
        heldOut = file;
        note.setText("");
        update();
    }

    /** Back to plain MLM: no knowledge base, no held-out facts. */
    void forget() {
        base = null;
        heldOut = null;
        note.setText("");
        update();
    }

    private void choose(boolean held) {
        FileChooser fc = new FileChooser();
        fc.setTitle(I18n.text(held ? "train.heldOutTitle" : "train.knowledgeTitle"));
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter(I18n.text("train.filterTsv"), "*.tsv"),
                new FileChooser.ExtensionFilter(I18n.text("main.filterAll"), "*"));
        File f = getScene() == null ? null : fc.showOpenDialog(getScene().getWindow());
        if (f != null) {
            if (held) setHeldOut(f.toPath());
            else setBase(f.toPath());
        }
    }

    private void chooseWorldFolder() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle(I18n.text("train.worldTitle"));
        File f = getScene() == null ? null : dc.showDialog(getScene().getWindow());
        if (f != null) {
            makeWorld(f.toPath());
        }
    }

    /**
     * Writes make-world's synthetic world (seed {@value #WORLD_SEED}, its default size) into {@code dir} off the FX
     * thread, then picks its knowledge base, held-out facts and training text. Completes on the FX thread with whether
     * it was written (a refusal is shown in the pane).
     */
    CompletableFuture<Boolean> makeWorld(Path dir) {
        makeWorld.setDisable(true);
        note.setText(I18n.text("train.worldWriting", dir));
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        CompletableFuture.runAsync(() -> {
            try {
                SyntheticWorld.write(SyntheticWorld.generate(WORLD_SEED), OutputFolder.check(dir, "The folder", false));
                Platform.runLater(() -> {
                    base = dir.resolve(SyntheticWorld.KB_FILE);
                    heldOut = dir.resolve(SyntheticWorld.HELD_OUT_FILE);
                    useText.accept(dir.resolve(SyntheticWorld.TRAIN_FILE));
                    update();
                    note.setText(I18n.text("train.worldWritten", dir));
                    done.complete(true);
                });
            } catch (Exception | OutOfMemoryError e) {
                Platform.runLater(() -> {
                    update();
                    note.setText(ErrorMessages.describe(I18n.text("train.worldFailed"), e));
                    done.complete(false);
                });
            }
        }, r -> Thread.ofVirtual().name("glassbox-make-world").start(r));
        return done;
    }

    /** Locks the controls while a run trains. */
    void setLocked(boolean locked) {
        this.locked = locked;
        update();
    }

    private void update() {
        chooseBase.textProperty().unbind();
        if (base == null) Texts.bind(chooseBase, "train.knowledgeChoose");
        else chooseBase.setText(base.getFileName().toString()); // a chosen file names itself in every language
        chooseHeldOut.textProperty().unbind();
        if (heldOut == null) Texts.bind(chooseHeldOut, "train.heldOutChoose");
        else chooseHeldOut.setText(heldOut.getFileName().toString());
        chooseBase.setDisable(locked);
        makeWorld.setDisable(locked);
        forget.setDisable(locked || base == null);
        injection.setDisable(locked || base == null);
        chooseHeldOut.setDisable(locked || base == null);
    }

    /** Adds the injection to a session's options by name (files are chosen again, as the text file is). */
    void saveTo(Map<String, String> out) {
        out.put("injection", injection.getValue().id());
    }

    /** Puts into {@code setters} what sets the injection from a session's text, refusing an unknown one first. */
    void sessionSetters(Map<String, Function<String, Runnable>> setters) {
        setters.put("injection", v -> {
            Injection i = Injection.parse(v);
            return () -> injection.setValue(i);
        });
    }
}
