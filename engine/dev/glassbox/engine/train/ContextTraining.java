package dev.glassbox.engine.train;

/** Which keys a query may attend to while training (a context method used at training time). The default is full causal attention. */
public record ContextTraining() {

    public static final ContextTraining FULL = new ContextTraining();
}
