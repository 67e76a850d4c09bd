package dev.glassbox.engine.knowledge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Recognises the subjects of a knowledge base in a token sequence (ROOTS sec. 3.2, step 1): scanning left to right,
 * at each token the longest subject name (as token ids, encoded by the model's tokenizer) that starts there wins, and
 * the scan goes on after it, so mentions never overlap ("Alice Moreau" beats a subject "Alice").
 */
public final class MentionFinder {
    private final Map<String, String> subjectByIds = new HashMap<>();
    private final int longest;

    /** @param encode a subject name to its token ids, as the tokenizer encodes it inside a sentence (no template) */
    public MentionFinder(KnowledgeBase kb, Function<String, int[]> encode) {
        int max = 0;
        for (String subject : kb.subjects()) {
            int[] ids = encode.apply(subject);
            if (ids.length == 0) continue;
            subjectByIds.putIfAbsent(key(ids, 0, ids.length), subject);
            max = Math.max(max, ids.length);
        }
        this.longest = max;
    }

    /** The mentions in {@code tokens}, left to right, longest match first, not overlapping. */
    public List<Mention> find(int[] tokens) {
        List<Mention> out = new ArrayList<>();
        int i = 0;
        while (i < tokens.length) {
            Mention m = null;
            for (int len = Math.min(longest, tokens.length - i); len >= 1 && m == null; len--) {
                String subject = subjectByIds.get(key(tokens, i, i + len));
                if (subject != null) m = new Mention(i, i + len, subject);
            }
            if (m != null) {
                out.add(m);
                i = m.end();
            } else {
                i++;
            }
        }
        return out;
    }

    private static String key(int[] ids, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) s.append(ids[i]).append(',');
        return s.toString();
    }
}
