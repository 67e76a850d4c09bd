package dev.glassbox.engine.knowledge;

import java.util.ArrayList;
import java.util.List;

import dev.glassbox.engine.knowledge.InjectedInput.Role;

/** Accumulates an input token by token. */
final class InputBuilder {
    private final int maxLength;
    final List<Integer> ids = new ArrayList<>();
    final List<Integer> types = new ArrayList<>();
    final List<Integer> positions = new ArrayList<>();
    final List<Role> roles = new ArrayList<>();
    final List<Integer> sentenceIndex = new ArrayList<>();
    final List<Integer> triple = new ArrayList<>();
    final List<Triple> triples = new ArrayList<>();

    InputBuilder(int maxLength, int sentenceLength) {
        if (sentenceLength + 2 > maxLength) {
            throw new IllegalArgumentException("a sentence of " + sentenceLength + " tokens does not fit an input of "
                    + maxLength + " with [CLS] and [SEP]");
        }
        this.maxLength = maxLength;
    }

    /** {@code [CLS]} and the sentence, its mention tokens marked. */
    static InputBuilder sentence(int[] sentence, List<Mention> mentions, InjectionTokens tokens, int maxLength) {
        InputBuilder b = new InputBuilder(maxLength, sentence.length);
        b.add(tokens.cls(), 0, Role.SPECIAL, -1, -1);
        boolean[] entity = new boolean[sentence.length];
        for (Mention m : mentions) {
            for (int i = m.start(); i < m.end() && i < sentence.length; i++) entity[i] = true;
        }
        for (int s = 0; s < sentence.length; s++) {
            b.add(sentence[s], 0, entity[s] ? Role.ENTITY : Role.SENTENCE, s, -1);
        }
        return b;
    }

    int size() { return ids.size(); }

    void add(int id, int type, Role role, int sentenceIdx, int tripleIdx) {
        addAt(id, type, ids.size(), role, sentenceIdx, tripleIdx);
    }

    void addAt(int id, int type, int position, Role role, int sentenceIdx, int tripleIdx) {
        ids.add(id);
        types.add(type);
        positions.add(position);
        roles.add(role);
        sentenceIndex.add(sentenceIdx);
        triple.add(tripleIdx);
    }

    InjectedInput build(boolean[][] visible) {
        if (ids.size() > maxLength) throw new IllegalStateException("built " + ids.size() + " tokens for " + maxLength);
        return new InjectedInput(ints(ids), ints(types), ints(positions), roles.toArray(Role[]::new), ints(sentenceIndex),
                ints(triple), List.copyOf(triples), visible);
    }

    private static int[] ints(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }
}
