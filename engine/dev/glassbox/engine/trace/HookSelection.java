package dev.glassbox.engine.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.glassbox.engine.spec.Spec;

/**
 * Which hooks a run captures, from comma-separated glob patterns over hook names
 * ({@code *} matches within a dotted segment run, e.g. {@code blocks.*.attn.pattern,logits}).
 * Resolved once per model into a flat table so the forward pass asks with an array lookup.
 */
public final class HookSelection {
    public static final HookSelection NONE = new HookSelection(List.of(), "");
    public static final HookSelection ALL = of("*");

    private final List<Pattern> patterns;
    private final String text;

    private HookSelection(List<Pattern> patterns, String text) {
        this.patterns = patterns;
        this.text = text;
    }

    public static HookSelection of(String spec) {
        List<Pattern> ps = new ArrayList<>();
        for (String p : Spec.items(spec)) {
            StringBuilder re = new StringBuilder();
            for (char c : p.toCharArray()) {
                switch (c) {
                    case '*' -> re.append(".*");
                    case '?' -> re.append('.');
                    default -> re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            ps.add(Pattern.compile(re.toString()));
        }
        return new HookSelection(List.copyOf(ps), spec);
    }

    public boolean isEmpty() { return patterns.isEmpty(); }

    public boolean matches(HookName name) {
        String s = name.toString();
        for (Pattern p : patterns) {
            if (p.matcher(s).matches()) {
                return true;
            }
        }
        return false;
    }

    /** A lookup table for a model with {@code layers} layers: {@code table[point][layer + 1]}. */
    public boolean[][] resolve(int layers) {
        HookPoint[] points = HookPoint.values();
        boolean[][] table = new boolean[points.length][layers + 1];
        if (patterns.isEmpty()) {
            return table;
        }
        for (HookPoint p : points) {
            if (p.perLayer()) {
                for (int l = 0; l < layers; l++) {
                    table[p.ordinal()][l + 1] = matches(HookName.of(p, l));
                }
            } else {
                table[p.ordinal()][0] = matches(HookName.of(p));
            }
        }
        return table;
    }

    @Override
    public String toString() { return text; }
}
