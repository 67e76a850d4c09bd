package dev.glassbox.engine.analysis.walkthrough;

import java.util.List;

/**
 * One forward pass of a decoder or an encoder, step by step, at one position and through one head of one chosen
 * layer (the other layers are one step each).
 *
 * @param tokens the token texts of the run, in position order
 * @param sampled the token the sampler picked after {@code position}, or -1 for an encoder (it samples nothing)
 * @param traceStep the step of the run's trace whose hooks the values' sources index: the position for a decoder,
 *                  0 for an encoder (its one step holds every position)
 */
public record Walkthrough(String model, List<String> tokens, int position, int layer, int head, int sampled,
                          int traceStep, List<Step> steps) {
    public Walkthrough {
        tokens = List.copyOf(tokens);
        steps = List.copyOf(steps);
    }

    /** The index of the first step of {@code layer}'s block, or -1. */
    public int firstStepOf(int layer) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).layer() == layer) {
                return i;
            }
        }
        return -1;
    }
}
