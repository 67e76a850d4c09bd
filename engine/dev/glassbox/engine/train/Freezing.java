package dev.glassbox.engine.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import dev.glassbox.engine.spec.Spec;

/**
 * Which parameters a fine-tuning run updates. Parameters fall into layer groups: {@code embeddings} (token and
 * learned position embeddings, and so a tied output head), one group per block, and {@code head} (final norm and
 * an untied lm_head). Frozen parameters get no update and their AdamW moments stay untouched.
 */
public sealed interface Freezing {

    /** Full fine-tuning: nothing frozen. */
    Freezing NONE = new None();

    record None() implements Freezing {
        @Override
        public boolean frozen(String group, int layers, int step) { return false; }

        @Override
        public String describe() { return "none"; }
    }

    /** Partial: the named groups ("embeddings", "head", or block indices) stay frozen for the whole run. */
    record Partial(Set<String> groups) implements Freezing {
        public Partial {
            groups = Set.copyOf(groups);
        }

        @Override
        public boolean frozen(String group, int layers, int step) { return groups.contains(group); }

        @Override
        public void validate(int layers) {
            for (String g : groups) {
                if (!g.equals(EMBEDDINGS) && !g.equals(HEAD) && Integer.parseInt(g) >= layers) {
                    throw new IllegalArgumentException("--freeze layer " + g + " outside the model's layers 0.." + (layers - 1));
                }
            }
        }

        @Override
        public String describe() { return String.join(",", new TreeSet<>(groups)); }
    }

    /**
     * Gradual unfreezing (Howard and Ruder 2018, ULMFiT sec. 3.3): only the top group (head) trains at first; every
     * {@code every} steps the next lower group (last block, ..., first block, embeddings) is unfrozen as well.
     */
    record Progressive(int every) implements Freezing {
        public Progressive {
            if (every < 1) {
                throw new IllegalArgumentException("--freeze progressive:K needs K >= 1 steps, got " + every);
            }
        }

        @Override
        public boolean frozen(String group, int layers, int step) {
            // depth from the top: head 0, block L-1 is 1, ..., block 0 is L, embeddings L+1
            int depth = group.equals(HEAD) ? 0 : group.equals(EMBEDDINGS) ? layers + 1 : layers - Integer.parseInt(group);
            return depth > step / every;
        }

        @Override
        public String describe() { return "progressive:" + every; }
    }

    String EMBEDDINGS = "embeddings";
    String HEAD = "head";

    /** True when parameters of {@code group} ("embeddings", "head" or a block index) are frozen at {@code step}. */
    boolean frozen(String group, int layers, int step);

    /** Checks the groups against a model of {@code layers} blocks. */
    default void validate(int layers) {
    }

    String describe();

    /** The layer group of a parameter, from its Hugging Face Llama-style name. */
    static String groupOf(String paramName) {
        if (paramName.startsWith("model.layers.")) {
            int end = paramName.indexOf('.', "model.layers.".length());
            return paramName.substring("model.layers.".length(), end);
        }
        return paramName.startsWith("model.embed_") ? EMBEDDINGS : HEAD;
    }

    /** Per parameter of {@code model}: true when it is updated at {@code step}. */
    default boolean[] trainable(TrainableLlama model, int step) {
        List<Param> ps = model.params();
        boolean[] t = new boolean[ps.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = !frozen(groupOf(ps.get(i).name()), model.shape().layers(), step);
        }
        return t;
    }

    /** {@code none}, {@code progressive:K}, or a comma list of {@code embeddings}, {@code head} and block indices ({@link Spec}). */
    static Freezing parse(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("none")) {
            return NONE;
        }
        if (s.startsWith("progressive")) {
            Spec p = Spec.parse(s);
            String k = p.single("K");
            if (k == null) throw p.error("progressive:K needs K, the steps between unfreezing two groups");
            Freezing f = new Progressive(p.integerValue("K", k, 1, Integer.MAX_VALUE));
            p.checkAllUsed();
            return f;
        }
        List<String> groups = new ArrayList<>();
        for (String g : Spec.items(s)) {
            if (g.equals(EMBEDDINGS) || g.equals(HEAD)) {
                groups.add(g);
            } else if (g.matches("\\d{1,9}")) {
                groups.add(Integer.toString(Integer.parseInt(g)));
            } else {
                throw new IllegalArgumentException("'" + spec + "': '" + g
                        + "' is not a block index, 'embeddings' or 'head' (or use none, progressive:K)");
            }
        }
        return new Partial(Set.copyOf(groups));
    }
}
