package dev.glassbox.app.ui;

import java.util.ArrayList;
import java.util.List;

import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.layout.HBox;

import dev.glassbox.app.service.SamplingSettings;

/**
 * Temperature, top-p, top-k, seed and number of new tokens: each a labelled spinner the tool row can wrap on its
 * own, so a narrow window or large text moves a few of them to the next row instead of all five.
 */
final class SamplingControls {
    final Spinner<Double> temperature = new Spinner<>(0.0, 2.0, 0.0, 0.1);
    final Spinner<Double> topP = new Spinner<>(0.05, 1.0, 0.9, 0.05);
    final Spinner<Integer> topK = new Spinner<>(0, 1000, 0, 1);
    final Spinner<Integer> seed = new Spinner<>(0, Integer.MAX_VALUE, 42, 1);
    final Spinner<Integer> steps = new Spinner<>(1, 4096, 48, 8);
    private final List<Node> items = new ArrayList<>();

    SamplingControls() {
        add("sampling.temp", temperature, 70);
        add("sampling.topP", topP, 72);
        add("sampling.topK", topK, 72);
        add("sampling.seed", seed, 90);
        add("sampling.steps", steps, 80);
        steps.setId("stepsSpinner");
    }

    /** A spinner labelled with bundle key {@code key}, its tooltip {@code key + "Tip"}. */
    private void add(String key, Spinner<?> s, double width) {
        s.setEditable(true);
        // in em, so the field grows with the text (Ctrl+plus, presentation mode) instead of clipping its number
        s.setStyle(String.format(java.util.Locale.ROOT, "-fx-pref-width: %.2fem;", width / MainWindow.BASE_FONT_PX));
        HoverTips.installText(s, key + "Tip");
        Label l = new Label();
        Texts.bind(l, key);
        l.setLabelFor(s);
        HBox pair = new HBox(4, l, s);
        pair.setAlignment(Pos.CENTER_LEFT);
        items.add(pair);
    }

    /** The labelled spinners, in order, for the tool row. */
    List<Node> items() {
        return items;
    }

    /** An encoder samples nothing: the spinners are greyed out. */
    void setDisable(boolean disable) {
        items.forEach(n -> n.setDisable(disable));
    }

    boolean isDisabled() {
        return items.getFirst().isDisabled();
    }

    /** Shows and edits {@code settings}. */
    void bind(SamplingSettings settings) {
        temperature.getValueFactory().valueProperty().bindBidirectional(settings.temperatureProperty());
        topP.getValueFactory().valueProperty().bindBidirectional(settings.topPProperty());
        topK.getValueFactory().valueProperty().bindBidirectional(settings.topKProperty());
        seed.getValueFactory().valueProperty().bindBidirectional(settings.seedProperty());
        steps.getValueFactory().valueProperty().bindBidirectional(settings.stepsProperty());
    }
}
