package dev.glassbox.engine.analysis.walkthrough;

import java.util.List;

import dev.glassbox.engine.trace.HookName;

/**
 * One step of a forward pass as a walkthrough shows it.
 *
 * @param layer the block the step belongs to, or -1 before the first and after the last block
 * @param formula the step as plain Unicode mathematics (language-neutral)
 * @param hook the hook that holds the step's result, or null when no hook does
 * @param args the values the explanation sentence names (a token, a size, a head), already formatted
 */
public record Step(StepKind kind, int layer, String formula, HookName hook, List<String> args, List<Values> values) {
    public Step {
        args = List.copyOf(args);
        values = List.copyOf(values);
    }
}
