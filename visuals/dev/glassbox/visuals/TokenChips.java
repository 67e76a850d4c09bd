package dev.glassbox.visuals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.paint.Color;

import dev.glassbox.visuals.i18n.I18n;

/**
 * Tokens as chips (the id on hover); generated tokens get their own style class. After a run the chips can
 * be coloured by surprisal, -log2 p(x_i | x_&lt;i) (Shannon 1948), on {@link #SURPRISAL_PALETTE} from 0 to
 * {@value #MAX_BITS} bits, with the exact probability and surprisal in the tooltip.
 */
public final class TokenChips extends FlowPane {
    /** Surprisal at or above this many bits gets the top colour. */
    public static final double MAX_BITS = 12;
    public static final Palette SURPRISAL_PALETTE = Palette.VIRIDIS;
    /** The style class of a chip holding the unknown token: text the vocabulary does not cover. */
    public static final String UNKNOWN_STYLE = "chip-unknown";

    /** One token to show. */
    public record Chip(int id, String text, boolean generated) {
    }

    /**
     * What the model expected at a chip before reading it: its prediction's entropy in bits and the most probable
     * tokens (as shown) with their probabilities, most probable first.
     */
    public record Expected(double entropyBits, List<String> tokens, double[] probabilities) {
        public Expected {
            tokens = List.copyOf(tokens);
            if (probabilities.length != tokens.size()) {
                throw new IllegalArgumentException(tokens.size() + " tokens but " + probabilities.length + " probabilities");
            }
        }
    }

    /** The unknown token's id the chips shown were marked with. */
    private int unkId = -1;
    /** The language of the chips' tooltips (another one: they are made again). */
    private Locale shownIn;

    public TokenChips() {
        setHgap(3);
        setVgap(3);
        getStyleClass().add("token-chips");
    }

    public void setTokens(List<Chip> chips) {
        setTokens(chips, -1);
    }

    /**
     * Shows {@code chips}; those with id {@code unkId} (the tokenizer's unknown token; -1: none) are marked. Chips
     * already shown for the same tokens stay (a live run only appends: each frame costs its new tokens, not all of
     * them again); a surprisal colouring on them is cleared.
     */
    public void setTokens(List<Chip> chips, int unkId) {
        int keep = unkId == this.unkId && I18n.locale().equals(shownIn) ? sharedPrefix(chips) : 0;
        this.unkId = unkId;
        this.shownIn = I18n.locale();
        if (keep < getChildren().size()) {
            getChildren().remove(keep, getChildren().size());
        }
        for (int i = 0; i < keep; i++) {
            Label l = (Label) getChildren().get(i);
            if (!l.getStyle().isEmpty()) {
                l.setStyle("");
                l.getTooltip().setText(baseTip(chips.get(i).id(), i));
            }
        }
        List<Label> added = new ArrayList<>(chips.size() - keep);
        for (int pos = keep; pos < chips.size(); pos++) {
            Chip c = chips.get(pos);
            Label l = new Label(c.text().isEmpty() ? "\u2205" : c.text());
            l.getStyleClass().add(c.generated() ? "chip-generated" : "chip");
            if (unkId >= 0 && c.id() == unkId) {
                l.getStyleClass().add(UNKNOWN_STYLE);
            }
            l.setTooltip(new Tooltip(baseTip(c.id(), pos)));
            l.setUserData(c);
            added.add(l);
        }
        getChildren().addAll(added);
    }

    /** How many of the chips shown are {@code chips}' first ones. */
    private int sharedPrefix(List<Chip> chips) {
        int n = Math.min(chips.size(), getChildren().size());
        for (int i = 0; i < n; i++) {
            if (!chips.get(i).equals(getChildren().get(i).getUserData())) {
                return i;
            }
        }
        return n;
    }

    /**
     * Colours chip i by {@code probability[i]}, the model's probability of token i given the tokens before it;
     * NaN (the first token, which is only a condition) leaves a chip uncoloured.
     */
    public void colorBySurprisal(double[] probability) {
        colorBySurprisal(probability, List.of());
    }

    /**
     * {@link #colorBySurprisal(double[])}, with {@code expected.get(i)} (null or past the end: none) adding to chip i's
     * tooltip what the model expected there before reading it.
     */
    public void colorBySurprisal(double[] probability, List<Expected> expected) {
        for (int i = 0; i < getChildren().size(); i++) {
            Label l = (Label) getChildren().get(i);
            double p = i < probability.length ? probability[i] : Double.NaN;
            if (Double.isNaN(p) || !(l.getUserData() instanceof Chip c)) {
                continue;
            }
            double bits = -Math.log(p) / Math.log(2);
            Color bg = SURPRISAL_PALETTE.color(Math.min(1, bits / MAX_BITS));
            l.setStyle(String.format(Locale.ROOT, "-fx-background-color: %s; -fx-text-fill: %s;%s", web(bg),
                    bg.getBrightness() > 0.6 ? "black" : "white",
                    c.generated() ? " -fx-border-color: #ffb000; -fx-border-width: 0 0 2 0;" : ""));
            l.getTooltip().setText(baseTip(c.id(), i) + "\n" + surprisalText(p, bits)
                    + (i < expected.size() && expected.get(i) != null ? "\n" + expectedText(expected.get(i)) : ""));
        }
    }

    /** The tooltip's surprisal line: "p = 0.0123, 6.35 bits" (p in scientific notation below 0.001). */
    public static String surprisalText(double p, double bits) {
        String prob = p < 1e-3 ? String.format(Locale.ROOT, "%.3e", p) : String.format(Locale.ROOT, "%.4f", p);
        return I18n.text("surprisal.text", prob, bits);
    }

    /** The tooltip's expectation line: "The model expected here (entropy 2.31 bits): cat 0.412, dog 0.220, ...". */
    public static String expectedText(Expected e) {
        List<String> tops = new ArrayList<>(e.tokens().size());
        for (int k = 0; k < e.tokens().size(); k++) {
            String t = e.tokens().get(k);
            tops.add(I18n.text("chips.expectedToken", t.isEmpty() ? "\u2205" : t, e.probabilities()[k]));
        }
        return I18n.text("chips.expected", e.entropyBits(), String.join(", ", tops));
    }

    static String web(Color c) {
        return String.format(Locale.ROOT, "rgb(%d,%d,%d)", (int) Math.round(c.getRed() * 255),
                (int) Math.round(c.getGreen() * 255), (int) Math.round(c.getBlue() * 255));
    }

    private static String baseTip(int id, int pos) {
        return I18n.text("chips.baseTip", id, pos);
    }
}
