package dev.glassbox.app.ui;

import javafx.beans.binding.Bindings;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.Tooltip;
import javafx.util.StringConverter;

import dev.glassbox.visuals.i18n.I18n;

/**
 * Display names and one-line definitions (range and direction) of the metrics the app shows, from bundle keys
 * {@code metric.<id>.name} and {@code metric.<id>.definition} (docs/DEFINITIONS.md has the formulas). The id stays the
 * data (tables, CSV, the command line); only what the user reads changes.
 */
final class MetricTexts {
    private MetricTexts() {
    }

    /** The bundle key part of metric {@code id} ("prefix matching" becomes "prefix_matching"). */
    static String key(String id) {
        return "metric." + id.replace(' ', '_');
    }

    /** The metric's display name in the current language. */
    static String name(String id) {
        return I18n.text(key(id) + ".name");
    }

    /** "Name: definition" in the current language. */
    static String definition(String id) {
        return name(id) + ": " + I18n.text(key(id) + ".definition");
    }

    /**
     * {@code box} (its values metric ids) lists the display names and has the chosen metric's definition as its
     * tooltip, both following the language.
     */
    static void named(ChoiceBox<String> box) {
        box.converterProperty().bind(Bindings.createObjectBinding(MetricTexts::names, I18n.localeProperty()));
        Tooltip tip = new Tooltip();
        tip.setWrapText(true);
        tip.setMaxWidth(480);
        tip.textProperty().bind(Bindings.createStringBinding(
                () -> box.getValue() == null ? "" : definition(box.getValue()), box.valueProperty(), I18n.localeProperty()));
        box.setTooltip(tip);
    }

    /** {@code column}'s header shows metric {@code id}'s display name, its tooltip the definition (following the language). */
    static <S, T> TableColumn<S, T> header(TableColumn<S, T> column, String id) {
        Label title = new Label();
        title.textProperty().bind(Bindings.createStringBinding(() -> name(id), I18n.localeProperty()));
        HoverTips.installText(title, key(id) + ".definition");
        column.textProperty().unbind();
        column.setText(null);
        column.setGraphic(title);
        return column;
    }

    /** A tooltip with the definitions of {@code ids}, one a line, following the language. */
    static Tooltip definitions(String... ids) {
        Tooltip tip = new Tooltip();
        tip.setWrapText(true);
        tip.setMaxWidth(520);
        tip.textProperty().bind(Bindings.createStringBinding(() -> {
            StringBuilder sb = new StringBuilder();
            for (String id : ids) {
                sb.append(sb.isEmpty() ? "" : "\n").append(definition(id));
            }
            return sb.toString();
        }, I18n.localeProperty()));
        return tip;
    }

    /** Shows ids by their display names (a choice box's converter; the value stays the id). */
    static StringConverter<String> names() {
        return new StringConverter<>() {
            @Override
            public String toString(String id) {
                return id == null ? "" : name(id);
            }

            @Override
            public String fromString(String s) {
                throw new UnsupportedOperationException("metric names are only shown");
            }
        };
    }
}
