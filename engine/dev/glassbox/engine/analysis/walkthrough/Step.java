package dev.glassbox.engine.analysis.walkthrough;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One step of a forward pass as a walkthrough shows it.
 *
 * @param layer the block the step belongs to, or -1 before the first and after the last block
 * @param formula the step as plain Unicode mathematics (language-neutral)
 * @param hook the name of the hook that holds the step's result ({@code blocks.0.attn.out}), or null when no hook does
 * @param args the values the explanation sentence names (a token, a size, a head), already formatted
 */
public record Step(StepKind kind, int layer, String formula, String hook, List<String> args, List<Values> values) {
    public Step {
        args = List.copyOf(args);
        values = List.copyOf(values);
    }

    /** A step whose explanation names {@code args}: numbers as 4 significant digits, the rest as text. */
    static Step of(StepKind kind, int layer, String formula, String hook, List<Values> values, Object... args) {
        List<String> a = new ArrayList<>();
        for (Object o : args) {
            a.add(o instanceof Float || o instanceof Double ? String.format(Locale.ROOT, "%.4g", ((Number) o).doubleValue())
                    : String.valueOf(o));
        }
        return new Step(kind, layer, formula, hook, a, values);
    }
}
