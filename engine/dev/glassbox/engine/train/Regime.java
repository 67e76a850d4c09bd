package dev.glassbox.engine.train;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Training-only choices that do not change the saved model's shape (penalties, frozen layers, starting weights).
 * The default changes nothing.
 *
 * @param orthogonality lambda of the ROOTS inter-head orthogonality penalty ({@link OrthogonalityPenalty}), 0 = off
 * @param freezing      which layer groups are updated, and when
 * @param init          fine-tune from this checkpoint's weights (its shape and vocabulary), or null to start fresh
 */
public record Regime(double orthogonality, Freezing freezing, Path init) {

    public static final Regime PLAIN = new Regime(0, Freezing.NONE, null);

    public Regime {
        Objects.requireNonNull(freezing, "freezing");
        if (!(orthogonality >= 0) || Double.isInfinite(orthogonality)) {
            throw new IllegalArgumentException("--orthogonality must be a finite number >= 0, got " + orthogonality);
        }
    }

    public Regime withOrthogonality(double lambda) { return new Regime(lambda, freezing, init); }

    public Regime withFreezing(Freezing f) { return new Regime(orthogonality, f, init); }

    public Regime withInit(Path dir) { return new Regime(orthogonality, freezing, dir); }
}
