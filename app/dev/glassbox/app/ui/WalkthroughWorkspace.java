package dev.glassbox.app.ui;

import java.util.function.Consumer;
import java.util.function.Supplier;

import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.Spinner;
import javafx.scene.text.Font;

import dev.glassbox.app.service.AnalysisService;
import dev.glassbox.engine.analysis.walkthrough.Walkthrough;
import dev.glassbox.engine.analysis.walkthrough.WalkthroughBuilder;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.visuals.i18n.I18n;
import dev.glassbox.visuals.walkthrough.WalkthroughView;

/**
 * Walkthrough: one forward pass of the loaded decoder, BERT encoder or encoder-decoder (the text is its source; the
 * position is an output position) over the current text, step by step at a chosen position
 * through a chosen layer and head, with the sampling settings of the window. The engine traces and lays out the
 * pass off the FX thread ({@link WalkthroughBuilder#run}); {@link WalkthroughView} shows it.
 */
final class WalkthroughWorkspace extends WorkspacePane {
    final Spinner<Integer> position = new Spinner<>(0, WalkthroughBuilder.MAX_TOKENS - 1, WalkthroughBuilder.MAX_TOKENS - 1);
    final Spinner<Integer> layer = new Spinner<>(0, 0, 0);
    final Spinner<Integer> head = new Spinner<>(0, 0, 0);
    final WalkthroughView view = new WalkthroughView();
    private final Supplier<Generation.Settings> sampling;

    WalkthroughWorkspace(AnalysisService service, Consumer<String> onError, Supplier<String> promptText,
                         Supplier<Generation.Settings> sampling) {
        super("walkthrough", service, onError, promptText);
        this.sampling = sampling;
        run.textProperty().bind(I18n.bind("walkthrough.run"));
        cancel.textProperty().bind(I18n.bind("walkthrough.cancel"));
        position.setId("walkthroughPosition");
        layer.setId("walkthroughLayer");
        head.setId("walkthroughHead");
        var bar = ToolRow.of(explained("overview"), label("walkthrough.position"), position, label("walkthrough.layerPick"),
                layer,
                label("walkthrough.head"), head, new Separator(), run, cancel, progress, message);
        for (Spinner<Integer> s : java.util.List.of(position, layer, head)) {
            s.setEditable(true);
            s.setStyle("-fx-font-size: 1.4em; -fx-pref-width: 5em;"); // in em: they grow with Ctrl+plus and presenting
        }
        run.setStyle("-fx-font-size: 1.4em;");
        setTop(bar);
        setCenter(view);
    }

    private static Label label(String key) {
        Label l = new Label();
        l.textProperty().bind(I18n.bind(key));
        l.setFont(Font.font(18));
        return l;
    }

    @Override
    void modelChanged(LoadedModel m) {
        view.setWalkthrough(null);
        if (m == null) {
            return;
        }
        setMax(layer, m.config().layers() - 1);
        setMax(head, m.config().heads() - 1);
    }

    private static void setMax(Spinner<Integer> s, int max) {
        var f = (javafx.scene.control.SpinnerValueFactory.IntegerSpinnerValueFactory) s.getValueFactory();
        f.setMax(max);
        if (f.getValue() > max) {
            f.setValue(max);
        }
    }

    @Override
    boolean supports(LoadedModel m) {
        return (m.isDecoder() || m.isSeq2Seq() || m.model() instanceof dev.glassbox.engine.model.BertModel)
                && m.tokenizer() != null;
    }

    @Override
    void runNow() {
        LoadedModel m = model();
        if (m == null) {
            return;
        }
        if (!supports(m)) {
            error(I18n.text("walkthrough.unsupported", m.name()));
            return;
        }
        String text = promptText();
        Generation.Settings s = sampling.get();
        int wanted = position.getValue(), l = layer.getValue(), h = head.getValue();
        launch(I18n.text("walkthrough.running"), p -> {
            // tokenised here, off the FX thread: the position cannot pass the last token of the text (it starts there)
            int last = Math.max(0, Math.min(m.tokenizer().encode(text).length, WalkthroughBuilder.MAX_TOKENS) - 1);
            WalkthroughBuilder.Request request = new WalkthroughBuilder.Request(Math.min(wanted, last), l, h,
                    s.temperature(), s.topK(), s.topP(), s.seed());
            return new Traced(WalkthroughBuilder.run(m, text, request, p), last);
        }, t -> {
            setMax(position, t.lastPosition());
            show(t.walkthrough());
        });
    }

    /** A walkthrough and the last position its text allows. */
    private record Traced(Walkthrough walkthrough, int lastPosition) {
    }

    private void show(Walkthrough w) {
        view.setWalkthrough(w);
        view.requestFocus();
    }
}
