package dev.glassbox.engine.tokenizer;

import java.nio.file.Path;

import dev.glassbox.engine.io.FormatException;

/**
 * A pre-tokenizer split regex (from a tokenizer.json or GGUF file) that runs in bounded time whatever the pattern.
 * <p>
 * The rule: a pattern RE2/J can run with the same meaning runs there, in time linear in the text (no backtracking,
 * so {@code ((a+)+)+b} cannot hang). RE2 has no lookaround, possessive quantifiers or backreferences, and its
 * {@code \s \d \w \b} are ASCII-only where Hugging Face's Oniguruma (and java.util.regex with
 * UNICODE_CHARACTER_CLASS) use Unicode; patterns with any of these, which include the standard GPT-2, Llama 3 and
 * Qwen2 patterns ({@code \s+(?!\S)}), run on java.util.regex over a text that counts its character reads and fails
 * after {@link #STEPS_PER_CHAR} reads per input character: the standard patterns need a few, a catastrophically
 * backtracking one exceeds the budget within a fraction of a second and the encode fails with a clear error.
 */
final class SplitPattern {
    /** Character reads allowed per input character on the java.util.regex path (standard patterns use under 20). */
    static final int STEPS_PER_CHAR = 256;
    private static final long BASE_STEPS = 1 << 16;

    private final Path source;
    private final com.google.re2j.Pattern linear;
    private final java.util.regex.Pattern backtracking;

    private SplitPattern(Path source, com.google.re2j.Pattern linear, java.util.regex.Pattern backtracking) {
        this.source = source;
        this.linear = linear;
        this.backtracking = backtracking;
    }

    static SplitPattern compile(String regex, Path source) throws FormatException {
        if (!usesUnicodeShorthand(regex)) {
            try {
                return new SplitPattern(source, com.google.re2j.Pattern.compile(regex), null);
            } catch (com.google.re2j.PatternSyntaxException e) {
                // lookaround, possessive, backreference...: the budgeted path below
            }
        }
        try {
            return new SplitPattern(source, null,
                    java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.UNICODE_CHARACTER_CLASS));
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new FormatException(source, "pre-tokenizer split regex does not compile: " + e.getDescription()
                    + " at index " + e.getIndex());
        }
    }

    /** Whether the pattern runs on RE2/J (linear time) rather than the budgeted backtracking engine. */
    boolean isLinear() { return linear != null; }

    /** {@code \s \S \d \D \w \W \b \B} outside and inside classes: ASCII in RE2, Unicode in Oniguruma. */
    static boolean usesUnicodeShorthand(String regex) {
        for (int i = 0; i + 1 < regex.length(); i++) {
            if (regex.charAt(i) == '\\') {
                if ("sSdDwWbB".indexOf(regex.charAt(i + 1)) >= 0) {
                    return true;
                }
                i++; // skip the escaped character
            }
        }
        return false;
    }

    /** Successive matches in {@code text}. */
    Matches matcher(String text) {
        if (linear != null) {
            com.google.re2j.Matcher m = linear.matcher(text);
            return new Matches() {
                public boolean find() { return m.find(); }
                public int start() { return m.start(); }
                public int end() { return m.end(); }
            };
        }
        java.util.regex.Matcher m = backtracking.matcher(new BudgetedText(text,
                BASE_STEPS + (long) STEPS_PER_CHAR * text.length()));
        return new Matches() {
            public boolean find() {
                try {
                    return m.find();
                } catch (BudgetExceeded e) {
                    throw new IllegalArgumentException((source == null ? "" : source.getFileName() + ": ")
                            + "the pre-tokenizer split regex needs more than " + STEPS_PER_CHAR
                            + " steps per character on this text (catastrophic backtracking); the tokenizer cannot"
                            + " encode it");
                }
            }
            public int start() { return m.start(); }
            public int end() { return m.end(); }
        };
    }

    interface Matches {
        boolean find();

        int start();

        int end();
    }

    private static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super(null, null, false, false);
        }
    }

    /** The text as java.util.regex reads it, one charAt per step, failing when the budget is spent. */
    private static final class BudgetedText implements CharSequence {
        private final String text;
        private long left;

        BudgetedText(String text, long budget) {
            this.text = text;
            this.left = budget;
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                throw new BudgetExceeded();
            }
            return text.charAt(index);
        }

        @Override
        public int length() { return text.length(); }

        @Override
        public CharSequence subSequence(int start, int end) { return text.subSequence(start, end); }

        @Override
        public String toString() { return text; }
    }
}
