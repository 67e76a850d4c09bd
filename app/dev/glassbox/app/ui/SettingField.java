package dev.glassbox.app.ui;

import javafx.scene.control.Label;
import javafx.scene.control.TextField;

import dev.glassbox.visuals.i18n.I18n;

/** A labelled number box with its tooltip and, next to it, the reason its value is not allowed. */
final class SettingField {
    final Label name;
    final TextField field;
    final Label error = new Label();

    /** {@code labelKey} and {@code tooltipKey}: bundle keys of the name and the tooltip. */
    SettingField(String id, String labelKey, String value, String tooltipKey) {
        name = Texts.label(labelKey);
        field = new TextField(value);
        field.setId(id);
        field.setPrefColumnCount(6);
        field.setTooltip(Texts.tooltip(tooltipKey));
        name.setLabelFor(field);
        error.setId(id + "Error");
        styleAsError(error);
        error.setWrapText(true);
        error.setMaxWidth(190);
        field.textProperty().addListener((o, a, b) -> clear());
    }

    static void styleAsError(Label l) {
        l.getStyleClass().add("error-text");
    }

    void clear() { error.setText(""); }

    void fail(String message) {
        error.setText(message);
    }

    boolean failed() { return !error.getText().isEmpty(); }

    /** The value when it is a whole number in [min, max]; otherwise null and a message next to the box. */
    Integer readInt(int min, int max) {
        String s = field.getText().strip();
        try {
            int v = Integer.parseInt(s);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail(I18n.text("setting.wholeRange", min, max));
        return null;
    }

    /** The value when it is a number in [min, max]; otherwise null and a message next to the box. */
    Float readFloat(float min, float max) {
        String s = field.getText().strip();
        try {
            float v = Float.parseFloat(s);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail(I18n.text("setting.range", plain(min), plain(max)));
        return null;
    }

    /** The value when it is a whole number from 0 up; otherwise null and a message. */
    Long readSeed() {
        try {
            long v = Long.parseLong(field.getText().strip());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail(I18n.text("setting.seedRange", Long.toString(Long.MAX_VALUE)));
        return null;
    }

    private static String plain(float v) {
        return new java.math.BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    }
}
