package dev.glassbox.app.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.layout.HBox;

import dev.glassbox.app.service.SamplingSettings;

/** Temperature, top-p, top-k, seed and number of new tokens. */
final class SamplingControls extends HBox {
    final Spinner<Double> temperature = new Spinner<>(0.0, 2.0, 0.0, 0.1);
    final Spinner<Double> topP = new Spinner<>(0.05, 1.0, 0.9, 0.05);
    final Spinner<Integer> topK = new Spinner<>(0, 1000, 0, 1);
    final Spinner<Integer> seed = new Spinner<>(0, Integer.MAX_VALUE, 42, 1);
    final Spinner<Integer> steps = new Spinner<>(1, 4096, 48, 8);

    SamplingControls() {
        super(6);
        setAlignment(Pos.CENTER_LEFT);
        setPadding(new Insets(0, 4, 0, 4));
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
        s.setPrefWidth(width);
        HoverTips.installText(s, key + "Tip");
        Label l = new Label();
        Texts.bind(l, key);
        l.setLabelFor(s);
        getChildren().addAll(l, s);
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
