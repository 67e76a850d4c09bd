package dev.glassbox.engine.knowledge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.train.BertVocabulary;
import dev.glassbox.engine.train.EncoderData;
import dev.glassbox.engine.train.EncoderExample;
import dev.glassbox.engine.train.EncoderModels;
import dev.glassbox.engine.train.EncoderTrainer;
import dev.glassbox.engine.train.MlmMasking;

/**
 * A text of one sentence a line made into MLM examples with a knowledge base injected (ROOTS sec. 3.2, step 5: MLM
 * on the enhanced input), and the fact-accuracy test: held-out cloze sentences, injected the same way, the model's
 * top prediction at [MASK] against the held-out object. One vocabulary (the text's and the KB's words, plus [KB] and
 * [/KB]) serves every injection, so runs with and without injection differ only in their inputs.
 */
public final class KnowledgeCorpus {
    private static final long VALIDATION_SEED = 0x5EEDL;
    /** The fewest sentences the text must hold. */
    public static final int MIN_SENTENCES = 20;

    private final BertVocabulary vocab;
    private final KnowledgeInjector injector;
    private final int seq;
    private final List<int[]> train = new ArrayList<>();
    private final List<int[]> valid = new ArrayList<>();
    private final String description;
    private final String firstSentence;

    private KnowledgeCorpus(List<String> sentences, KnowledgeBase kb, Injection injection, int seq, int maxWords,
                            String description, Path file) throws FormatException {
        if (sentences.size() < MIN_SENTENCES) {
            throw new FormatException(file, "text of " + sentences.size() + " sentences is too short (need at least "
                    + MIN_SENTENCES + ", one a line)");
        }
        StringBuilder words = new StringBuilder(String.join("\n", sentences)).append('\n');
        // the KB's names and relations become whole words too (each triple twice: words seen once are left out), so an
        // object no training sentence names (a held-out one) is still one token
        for (Triple t : kb.triples()) {
            String line = t.subject() + " " + t.relation() + " " + t.object() + "\n";
            words.append(line).append(line);
        }
        this.vocab = BertVocabulary.of(words.toString(), maxWords).withSpecialTokens(InjectionTokens.KB_OPEN, InjectionTokens.KB_CLOSE);
        this.injector = new KnowledgeInjector(kb, tokens(vocab), injection);
        this.seq = seq;
        this.firstSentence = sentences.get(0);
        this.description = description + ", knowledge " + kb.size() + " triples, injection " + injection.id();
        int split = (int) (sentences.size() * 0.9);
        for (int i = 0; i < sentences.size(); i++) {
            int[] ids = vocab.encode(sentences.get(i));
            injector.inject(ids, seq); // fails here, naming the length, on a sentence too long for the input
            (i < split ? train : valid).add(ids);
        }
    }

    /** The model's side of injection for a BERT vocabulary holding [KB] and [/KB]. */
    public static InjectionTokens tokens(BertVocabulary v) {
        return new InjectionTokens(v::encode, v.cls(), v.sep(), v.id(InjectionTokens.KB_OPEN), v.id(InjectionTokens.KB_CLOSE));
    }

    public static KnowledgeCorpus of(List<String> sentences, KnowledgeBase kb, Injection injection, int seq, int maxWords,
                                     String description) throws FormatException {
        return new KnowledgeCorpus(sentences, kb, injection, seq, maxWords, description, Path.of(description));
    }

    /** A UTF-8 text file, one sentence a line (blank lines skipped), as {@code make-world} writes train.txt. */
    public static KnowledgeCorpus read(Path file, KnowledgeBase kb, Injection injection, int seq, int maxWords) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new FormatException(file, "not valid UTF-8 text");
        }
        List<String> sentences = lines.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        return new KnowledgeCorpus(sentences, kb, injection, seq, maxWords, "text " + file.getFileName(), file);
    }

    public BertVocabulary vocabulary() { return vocab; }

    public KnowledgeInjector injector() { return injector; }

    /** The text's first sentence (a prompt that mentions the world's subjects). */
    public String firstSentence() { return firstSentence; }

    /**
     * The sentences as MLM training data: each step randomly drawn sentences, each masked afresh (BERT's 15 %) and then
     * injected ({@link #maskThenInject}); the validation sentences the same way with a fixed seed.
     */
    public EncoderData data() {
        List<EncoderExample> v = new ArrayList<>();
        Random vr = new Random(VALIDATION_SEED);
        for (int[] s : valid.isEmpty() ? train : valid) v.add(maskThenInject(s, vr));
        return EncoderData.drawn(vocab, v, description, r -> maskThenInject(train.get(r.nextInt(train.size())), r));
    }

    /**
     * One MLM example: the sentence's own tokens masked first, then the MASKED sentence injected (and its injected
     * tokens masked in their turn). The order matters (ROOTS sec. 3.2 step 5 trains MLM on the enhanced input, K-BERT
     * sec. 3.2 injects at the knowledge layer from the input sentence): a masked mention is not recognised, so a masked
     * entity gets no triple, exactly as a held-out cloze has [MASK] where the object goes and no triple for it;
     * injecting first let the model read a masked name off its own triple, a shortcut the clozes never offer.
     */
    EncoderExample maskThenInject(int[] sentence, Random r) {
        return inject(MlmMasking.mask(sentence, vocab, r), r);
    }

    /**
     * A masked sentence injected, its labels carried to its tokens' places in the enhanced input, and the injected
     * tokens (an appended triple, a K-BERT branch) masked as BERT masks text. ROOTS's MLM covers the whole enhanced
     * input, and restoring a triple's masked word from the sentence that names it teaches the sentence-to-triple
     * alignment the cloze's copy runs on: with it the append model copies held-out objects after ~1,000 steps on every
     * seed tried, without it on one seed in three by 2,000 (PERFORMANCE.md, "Inject after masking"). It brings no
     * shortcut back: a masked mention still has no triple.
     */
    EncoderExample inject(MlmMasking.Masked text, Random r) {
        InjectedInput in = injector.inject(text.ids(), seq);
        int[] ids = in.ids().clone();
        int[] labels = new int[in.length()];
        java.util.Arrays.fill(labels, EncoderExample.NO_LABEL);
        List<Integer> knowledge = new ArrayList<>();
        for (int i = 0; i < in.length(); i++) {
            if (in.sentenceIndex()[i] >= 0) labels[i] = text.labels()[in.sentenceIndex()[i]];
            else if (in.roles()[i] == InjectedInput.Role.KNOWLEDGE) knowledge.add(i);
        }
        int[] known = new int[knowledge.size()];
        for (int k = 0; k < known.length; k++) known[k] = ids[knowledge.get(k)];
        MlmMasking.Masked masked = MlmMasking.mask(known, vocab, r); // [KB] and [/KB] are special: never chosen
        for (int k = 0; k < known.length; k++) {
            ids[knowledge.get(k)] = masked.ids()[k];
            labels[knowledge.get(k)] = masked.labels()[k];
        }
        return example(in).withMasking(ids, labels);
    }

    /** An enhanced input as an encoder example (the visible matrix flattened row-major). */
    public static EncoderExample example(InjectedInput in) {
        boolean[] visible = null;
        if (in.visible() != null) {
            int n = in.length();
            visible = new boolean[n * n];
            for (int i = 0; i < n; i++) System.arraycopy(in.visible()[i], 0, visible, i * n, n);
        }
        return new EncoderExample(in.ids(), in.types(), in.positions(), visible, null, EncoderExample.NO_LABEL);
    }

    /** The held-out facts as labelled examples: the cloze sentence injected, the object's id as the only MLM label. */
    public List<EncoderExample> clozeExamples(List<Cloze> clozes) {
        List<EncoderExample> out = new ArrayList<>();
        for (Cloze c : clozes) {
            int[] answer = vocab.encode(c.answer());
            if (answer.length != 1) {
                throw new IllegalArgumentException("the held-out answer '" + c.answer() + "' is " + answer.length
                        + " tokens; fact accuracy needs answers that are one token of the vocabulary");
            }
            InjectedInput in = injector.inject(vocab.encode(c.sentence()), seq);
            int at = -1;
            for (int i = 0; i < in.length(); i++) if (in.ids()[i] == vocab.mask() && in.sentenceIndex()[i] >= 0) at = i;
            if (at < 0) throw new IllegalArgumentException("the cloze sentence '" + c.sentence() + "' has no [MASK] token");
            int[] labels = new int[in.length()];
            java.util.Arrays.fill(labels, EncoderExample.NO_LABEL);
            labels[at] = answer[0];
            out.add(example(in).withMasking(in.ids(), labels));
        }
        return out;
    }

    /** Fact accuracy (0-1): the share of held-out cloze sentences whose top prediction at [MASK] is the object. */
    public double factAccuracy(EncoderModels models, List<Cloze> clozes) {
        return factScore(models, clozeExamples(clozes)).accuracy();
    }

    /**
     * How well a model knows held-out facts (DEFINITIONS.md, "Fact accuracy", "Fact log-probability", "Fact rank"):
     * over the cloze examples ({@link #clozeExamples}, one label each), the share whose top prediction is the object,
     * the mean natural log of the probability the MLM head gives the object, and the object's mean rank (1 = top).
     */
    public record FactScore(int facts, double accuracy, double logProbability, double rank) {
    }

    /** The scores of {@code models} on cloze examples built by {@link #clozeExamples}. */
    public static FactScore factScore(EncoderModels models, List<EncoderExample> clozes) {
        if (clozes.isEmpty()) throw new IllegalArgumentException("no held-out facts to score");
        EncoderModels.Loss l = EncoderTrainer.validate(models, clozes, VALIDATION_SEED);
        int vocab = models.encoder().shape().vocab();
        double rankSum = 0;
        for (int i = 0; i < clozes.size(); i++) {
            var pass = models.mlmPass(i);
            float[] p = pass.probabilities();
            for (int j = 0; j < pass.rows().length; j++) {
                float truth = p[j * vocab + pass.targets()[j]];
                int above = 0;
                for (int v = 0; v < vocab; v++) if (p[j * vocab + v] > truth) above++;
                rankSum += 1 + above;
            }
        }
        // one label per cloze: the MLM loss is the mean cross-entropy -log p(object)
        return new FactScore(l.mlmCount(), l.mlmAccuracy(), -l.mlm(), rankSum / l.mlmCount());
    }
}
