package dev.glassbox.engine.knowledge;

import java.util.function.Function;

/**
 * The model's side of injection: how a name becomes token ids (as inside a sentence, no template), and the ids of
 * the special tokens an enhanced input uses: {@code [CLS]}, {@code [SEP]}, and the knowledge brackets {@code [KB]},
 * {@code [/KB]} that fence each appended triple.
 */
public record InjectionTokens(Function<String, int[]> encode, int cls, int sep, int kbOpen, int kbClose) {
    public static final String KB_OPEN = "[KB]";
    public static final String KB_CLOSE = "[/KB]";
}
