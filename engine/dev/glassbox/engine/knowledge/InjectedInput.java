package dev.glassbox.engine.knowledge;

import java.util.List;

/**
 * A sentence made into an encoder input, with or without knowledge: per token its id, token type, position id (K-BERT's
 * soft position), role, and for sentence tokens their index in the sentence ({@code -1} otherwise), for injected tokens
 * the index of their triple in {@code triples} ({@code -1} otherwise); and the visible matrix ({@code visible[i][j]}:
 * token i may attend to token j), or null when every token sees every other.
 */
public record InjectedInput(int[] ids, int[] types, int[] positions, Role[] roles, int[] sentenceIndex, int[] triple,
                            List<Triple> triples, boolean[][] visible) {
    /** What a token of the enhanced input is. */
    public enum Role {
        /** {@code [CLS]}, {@code [SEP]}. */
        SPECIAL,
        /** A sentence token that names no subject. */
        SENTENCE,
        /** A sentence token inside a recognised subject mention. */
        ENTITY,
        /** A token of an injected triple, its brackets included. */
        KNOWLEDGE
    }

    public int length() { return ids.length; }

    /** True when token i may attend to token j. */
    public boolean sees(int i, int j) {
        return visible == null || visible[i][j];
    }

    /** The index in this input of sentence token {@code s}, or -1. */
    public int indexOfSentenceToken(int s) {
        for (int i = 0; i < sentenceIndex.length; i++) {
            if (sentenceIndex[i] == s) return i;
        }
        return -1;
    }
}
