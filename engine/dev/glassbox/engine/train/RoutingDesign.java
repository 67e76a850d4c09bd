package dev.glassbox.engine.train;

/** How tokens are routed through the layers and MLP experts of a trainable model. The default is dense. */
public record RoutingDesign() {

    public static final RoutingDesign DENSE = new RoutingDesign();
}
