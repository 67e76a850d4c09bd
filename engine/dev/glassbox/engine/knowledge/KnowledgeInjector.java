package dev.glassbox.engine.knowledge;

/**
 * ROOTS sec. 3.2's knowledge injection for one sentence: (1) recognise the subjects it mentions, (2) retrieve their
 * triples, (3) linearise them, (4) add them to the input as {@link Injection} says; step (5), MLM training on the
 * enhanced input, is the trainer's. The same injector makes test inputs, so a held-out sentence is enhanced exactly
 * as training sentences were.
 */
public final class KnowledgeInjector {
    private final KnowledgeBase kb;
    private final InjectionTokens tokens;
    private final Injection injection;
    private final MentionFinder finder;

    public KnowledgeInjector(KnowledgeBase kb, InjectionTokens tokens, Injection injection) {
        this.kb = kb;
        this.tokens = tokens;
        this.injection = injection;
        this.finder = new MentionFinder(kb, tokens.encode());
    }

    public Injection injection() { return injection; }

    public KnowledgeBase kb() { return kb; }

    /** The enhanced input of a sentence's token ids (no template), at most {@code maxLength} tokens. */
    public InjectedInput inject(int[] sentence, int maxLength) {
        return injection.build(sentence, finder.find(sentence), kb, tokens, maxLength);
    }

    /** The enhanced input of a sentence's text. */
    public InjectedInput inject(String sentence, int maxLength) {
        return inject(tokens.encode().apply(sentence), maxLength);
    }
}
