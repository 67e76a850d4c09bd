package dev.glassbox.engine.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one grammar of every option that names a method with settings: {@code name[:item,item,...]}, each item
 * {@code key=value} or a bare value; a value that is itself a list separates its elements with {@code ;} (optionally
 * in brackets, {@code global=[0;5]}). Examples: {@code sliding:W=128}, {@code streaming:sinks=4,W=124},
 * {@code keep:0;2;4}, {@code random:p=0.2}, {@code bpe:512}, {@code progressive:50}. A plain list such as
 * {@code --ablate 1.3,2.0} is {@link #items} of the same text. Every accessor checks its range and throws an
 * {@link IllegalArgumentException} that quotes the spec, names the key and says what is expected.
 */
public final class Spec {
    private final String text;
    private final String name;
    private final Map<String, String> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final List<String> bare = new ArrayList<>();
    private final Set<String> used = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    private Spec(String text, String name) {
        this.text = text;
        this.name = name;
    }

    public static Spec parse(String text) {
        String s = text == null ? "" : text.strip();
        int colon = s.indexOf(':');
        String name = (colon < 0 ? s : s.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) throw new IllegalArgumentException("'" + text + "' has no name (expected name or name:key=value,...)");
        Spec spec = new Spec(text, name);
        if (colon >= 0) {
            for (String item : items(s.substring(colon + 1))) {
                int eq = item.indexOf('=');
                if (eq < 0) {
                    spec.bare.add(item);
                } else if (spec.values.put(item.substring(0, eq).strip(), item.substring(eq + 1).strip()) != null) {
                    throw spec.error("'" + item.substring(0, eq).strip() + "' is given twice");
                }
            }
        }
        return spec;
    }

    /** The non-blank top-level items of a comma-separated list (commas inside brackets do not split). */
    public static List<String> items(String text) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '[') depth++;
            if (c == ']') depth--;
            if (c == ',' && depth == 0) {
                add(out, cur);
            } else {
                cur.append(c);
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) out.add(s);
        cur.setLength(0);
    }

    /** The elements of a list value: {@code 0;2;4} or {@code [0;2;4]}. */
    public static List<String> elements(String value) {
        List<String> out = new ArrayList<>();
        for (String t : value.replace("[", "").replace("]", "").split(";")) {
            if (!t.isBlank()) out.add(t.strip());
        }
        return out;
    }

    public String name() { return name; }

    public String text() { return text; }

    /** The bare (keyless) items, each split into its list elements (this consumes them). */
    public List<String> bareElements() {
        List<String> out = new ArrayList<>();
        for (String b : bare) out.addAll(elements(b));
        bare.clear();
        return out;
    }

    /**
     * The single setting of a one-parameter method, given as {@code key=value} or bare (e.g. {@code random:0.2},
     * {@code bpe:512}); null when neither is given.
     */
    public String single(String key) {
        used.add(key);
        String v = values.get(key);
        if (v != null && !bare.isEmpty()) throw error("give " + key + " once");
        if (bare.size() > 1) throw error("expected one value, got " + bare);
        String b = bare.isEmpty() ? null : bare.get(0);
        bare.clear();
        return v != null ? v : b;
    }

    public boolean has(String key) { return values.containsKey(key); }

    public String text(String key, String dflt) {
        used.add(key);
        return values.getOrDefault(key, dflt);
    }

    /** A whole number in [min, max]. */
    public int integer(String key, int dflt, int min, int max) {
        used.add(key);
        String v = values.get(key);
        return v == null ? dflt : integerValue(key, v, min, max);
    }

    public int integerValue(String key, String v, int min, int max) {
        return wholeNumber(text, key, v, min, max);
    }

    /**
     * {@code v} as a whole number in [min, max]; an error reads "{@code key} must be ..., got v", after
     * {@code context} quoted (the spec or list it is from; null: none).
     */
    public static int wholeNumber(String context, String key, String v, int min, int max) {
        long n;
        try {
            n = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw error(context, key + " must be a whole number, got '" + v + "'");
        }
        if (n < min || n > max) throw error(context, key + " must be " + range(min, max) + ", got " + v.strip());
        return (int) n;
    }

    /** A finite number in [min, max]. */
    public double number(String key, double dflt, double min, double max) {
        used.add(key);
        String v = values.get(key);
        return v == null ? dflt : numberValue(key, v, min, max);
    }

    public double numberValue(String key, String v, double min, double max) {
        return number(text, key, v, min, max);
    }

    /**
     * {@code v} as a finite number in [min, max] ({@code min} = {@link Double#MIN_VALUE}: positive); an error reads
     * as {@link #wholeNumber}'s.
     */
    public static double number(String context, String key, String v, double min, double max) {
        double d;
        try {
            d = Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw error(context, key + " must be a number, got '" + v + "'");
        }
        if (!Double.isFinite(d)) throw error(context, key + " must be a finite number, got " + v.strip());
        if (d < min || d > max) {
            String range = min == Double.MIN_VALUE ? "> 0" : max == Double.MAX_VALUE ? ">= " + trim(min) : "in [" + trim(min) + ", " + trim(max) + "]";
            throw error(context, key + " must be " + range + ", got " + v.strip());
        }
        return d;
    }

    /** A list of whole numbers, each in [min, max]. */
    public List<Integer> integers(String key, int min, int max) {
        used.add(key);
        String v = values.get(key);
        List<Integer> out = new ArrayList<>();
        if (v != null) for (String e : elements(v)) out.add(integerValue(key, e, min, max));
        return out;
    }

    /** Rejects keys no accessor asked for, and bare values a method takes none of. */
    public void checkAllUsed() {
        for (String k : values.keySet()) {
            if (!used.contains(k)) throw error("unknown parameter '" + k + "'" + (used.isEmpty() ? " (" + name
                    + " takes none)" : "; " + name + " takes " + String.join(", ", used)));
        }
        if (!bare.isEmpty()) throw error("expected key=value, got '" + bare.get(0) + "'");
    }

    public IllegalArgumentException error(String problem) {
        return error(text, problem);
    }

    private static IllegalArgumentException error(String context, String problem) {
        return new IllegalArgumentException(context == null ? problem : "'" + context + "': " + problem);
    }

    private static String range(int min, int max) {
        if (max == Integer.MAX_VALUE) return ">= " + min;
        return "in " + min + ".." + max;
    }

    private static String trim(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
