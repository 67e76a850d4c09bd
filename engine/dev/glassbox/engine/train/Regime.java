package dev.glassbox.engine.train;

/** Training-only choices that do not change the saved model's shape (penalties, frozen layers). The default changes nothing. */
public record Regime() {

    public static final Regime PLAIN = new Regime();
}
