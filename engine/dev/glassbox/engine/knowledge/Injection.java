package dev.glassbox.engine.knowledge;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.glassbox.engine.knowledge.InjectedInput.Role;

/**
 * How retrieved triples enter an encoder input. {@link None}: the plain sentence. {@link Append}: ROOTS sec. 3.2's
 * steps 3-4, each triple linearised as {@code [KB] subject relation object [/KB]} and appended after the sentence as
 * a second segment. {@link KBert}: Liu et al. 2020 (K-BERT, AAAI) sec. 3.2-3.3, each triple's relation and object
 * inserted right after its entity as a branch of the sentence tree, with soft positions and a visible matrix.
 */
public sealed interface Injection permits Injection.None, Injection.Append, Injection.KBert {
    /**
     * The enhanced input of {@code sentence} (token ids without template) given its mentions. Triples that would make
     * it longer than {@code maxLength} are left out whole; a sentence that does not fit alone fails.
     */
    InjectedInput build(int[] sentence, List<Mention> mentions, KnowledgeBase kb, InjectionTokens tokens, int maxLength);

    /** The option's name: none, append or kbert. */
    String id();

    /** The injection of this name (none, append, kbert), or an error naming the choices. */
    static Injection parse(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "none" -> new None();
            case "append" -> new Append();
            case "kbert", "k-bert" -> new KBert();
            default -> throw new IllegalArgumentException("unknown injection '" + name + "' (use append or kbert)");
        };
    }

    /** The sentence alone: {@code [CLS] sentence [SEP]}. */
    record None() implements Injection {
        @Override
        public InjectedInput build(int[] sentence, List<Mention> mentions, KnowledgeBase kb, InjectionTokens tokens, int maxLength) {
            InputBuilder b = InputBuilder.sentence(sentence, mentions, tokens, maxLength);
            b.add(tokens.sep(), 0, Role.SPECIAL, -1, -1);
            return b.build(null);
        }

        @Override
        public String id() { return "none"; }
    }

    /**
     * ROOTS sec. 3.2, steps 3-4: {@code [CLS] sentence [SEP] [KB] s r o [/KB] ... [SEP]}, the knowledge as token type
     * 1 with ordinary positions; every token sees every other.
     */
    record Append() implements Injection {
        @Override
        public InjectedInput build(int[] sentence, List<Mention> mentions, KnowledgeBase kb, InjectionTokens tokens, int maxLength) {
            InputBuilder b = InputBuilder.sentence(sentence, mentions, tokens, maxLength);
            b.add(tokens.sep(), 0, Role.SPECIAL, -1, -1);
            int room = maxLength - b.size() - 1; // the closing [SEP]
            for (Triple t : retrieve(mentions, kb)) {
                int[] s = tokens.encode().apply(t.subject());
                int[] r = tokens.encode().apply(t.relation());
                int[] o = tokens.encode().apply(t.object());
                int len = s.length + r.length + o.length + 2;
                if (len > room) continue;
                room -= len;
                int k = b.triples.size();
                b.triples.add(t);
                b.add(tokens.kbOpen(), 1, Role.KNOWLEDGE, -1, k);
                for (int[] part : new int[][] {s, r, o}) {
                    for (int id : part) b.add(id, 1, Role.KNOWLEDGE, -1, k);
                }
                b.add(tokens.kbClose(), 1, Role.KNOWLEDGE, -1, k);
            }
            b.add(tokens.sep(), 1, Role.SPECIAL, -1, -1);
            return b.build(null);
        }

        @Override
        public String id() { return "append"; }
    }

    /**
     * K-BERT (Liu et al. 2020, sec. 3.2 knowledge layer, 3.3 embedding layer, 3.4 seeing layer): after the last token
     * of each mention, each of its subject's triples as the branch {@code relation object}, whose soft positions go on
     * from the entity's (so the sentence keeps its own positions after the branch); the visible matrix lets a branch
     * be seen only by its entity's tokens and its own tokens, and lets it see only those.
     */
    record KBert() implements Injection {
        @Override
        public InjectedInput build(int[] sentence, List<Mention> mentions, KnowledgeBase kb, InjectionTokens tokens, int maxLength) {
            InputBuilder b = new InputBuilder(maxLength, sentence.length);
            b.add(tokens.cls(), 0, Role.SPECIAL, -1, -1);
            int room = maxLength - sentence.length - 2;
            List<int[]> entityOf = new ArrayList<>(); // per triple: the input indices of its entity's tokens
            int m = 0;
            for (int s = 0; s < sentence.length; s++) {
                Mention mention = m < mentions.size() && mentions.get(m).start() <= s && s < mentions.get(m).end() ? mentions.get(m) : null;
                b.addAt(sentence[s], 0, 1 + s, mention == null ? Role.SENTENCE : Role.ENTITY, s, -1);
                if (mention == null || s != mention.end() - 1) continue;
                int[] entity = new int[mention.end() - mention.start()];
                for (int e = 0; e < entity.length; e++) entity[e] = b.size() - entity.length + e;
                for (Triple t : kb.triplesOf(mention.subject())) {
                    int[] r = tokens.encode().apply(t.relation());
                    int[] o = tokens.encode().apply(t.object());
                    if (r.length + o.length > room) continue;
                    room -= r.length + o.length;
                    int k = b.triples.size();
                    b.triples.add(t);
                    entityOf.add(entity);
                    int soft = 1 + s;
                    for (int[] part : new int[][] {r, o}) {
                        for (int id : part) b.addAt(id, 0, ++soft, Role.KNOWLEDGE, -1, k);
                    }
                }
                m++;
            }
            b.addAt(tokens.sep(), 0, 1 + sentence.length, Role.SPECIAL, -1, -1);
            return b.build(visible(b, entityOf));
        }

        /** Liu et al. 2020 eq. (6)-(7): M_ij = 0 (visible) when i and j are in the same branch or both on the trunk. */
        private static boolean[][] visible(InputBuilder b, List<int[]> entityOf) {
            int n = b.size();
            boolean[][] v = new boolean[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    int ti = b.triple.get(i);
                    int tj = b.triple.get(j);
                    v[i][j] = ti == tj; // both on the trunk (-1), or both in one branch
                }
            }
            for (int k = 0; k < entityOf.size(); k++) {
                for (int e : entityOf.get(k)) {
                    for (int i = 0; i < n; i++) {
                        if (b.triple.get(i) == k) {
                            v[e][i] = true;
                            v[i][e] = true;
                        }
                    }
                }
            }
            return v;
        }

        @Override
        public String id() { return "kbert"; }
    }

    /** ROOTS sec. 3.2 step 2: the triples of each mentioned subject, each subject once, in mention order. */
    static List<Triple> retrieve(List<Mention> mentions, KnowledgeBase kb) {
        Set<String> seen = new LinkedHashSet<>();
        List<Triple> out = new ArrayList<>();
        for (Mention m : mentions) {
            if (seen.add(m.subject())) out.addAll(kb.triplesOf(m.subject()));
        }
        return out;
    }
}
