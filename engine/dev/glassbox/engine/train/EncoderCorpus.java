package dev.glassbox.engine.train;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.glassbox.engine.io.FormatException;

/**
 * A text split into sentences (after '.', '!' or '?' followed by space; a line break ends a document) and tokenised
 * by a {@link BertVocabulary} learned from it; the first 90 % of the sentences train, the last 10 % validate. Makes
 * BERT's inputs: [CLS] consecutive sentences [SEP] for MLM and RTD, [CLS] A [SEP] B [SEP] sentence pairs for NSP.
 */
public final class EncoderCorpus {
    private static final int VALIDATION_EXAMPLES = 64;
    private static final long VALIDATION_SEED = 0x5EEDL;

    private final BertVocabulary vocab;
    private final List<int[]> train = new ArrayList<>(), valid = new ArrayList<>();
    /** Per sentence: true when the next sentence continues the same document. */
    private final List<Boolean> trainNext = new ArrayList<>(), validNext = new ArrayList<>();
    private final String description;

    private EncoderCorpus(String text, BertVocabulary vocab, String description, Path file) throws FormatException {
        this.vocab = vocab;
        this.description = description;
        List<int[]> sentences = new ArrayList<>();
        List<Boolean> next = new ArrayList<>();
        for (String doc : text.split("\\R+")) {
            String[] parts = doc.strip().split("(?<=[.!?][\"']?)\\s+");
            for (int i = 0; i < parts.length; i++) {
                int[] ids = vocab.encode(parts[i]);
                if (ids.length == 0) continue;
                sentences.add(ids);
                next.add(i + 1 < parts.length);
            }
        }
        if (sentences.size() < 20) {
            throw new FormatException(file, "text of " + sentences.size() + " sentences is too short for encoder training "
                    + "(need at least 20)");
        }
        int split = (int) (sentences.size() * 0.9);
        for (int i = 0; i < sentences.size(); i++) {
            (i < split ? train : valid).add(sentences.get(i));
            (i < split ? trainNext : validNext).add(next.get(i) && i + 1 != split);
        }
    }

    /** The corpus of {@code text} with a vocabulary of at most {@code maxWords} whole words learned from it. */
    public static EncoderCorpus of(String text, int maxWords, String description) throws FormatException {
        return new EncoderCorpus(text, BertVocabulary.of(text, maxWords), description, Path.of(description));
    }

    /** As {@link #of} with a given vocabulary (special tokens added, or a checkpoint's). */
    public static EncoderCorpus of(String text, BertVocabulary vocab, String description) throws FormatException {
        return new EncoderCorpus(text, vocab, description, Path.of(description));
    }

    /** A UTF-8 text file. */
    public static EncoderCorpus read(Path file, int maxWords) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(file, "not valid UTF-8 text");
        }
        return new EncoderCorpus(text, BertVocabulary.of(text, maxWords), "text " + file.getFileName(), file);
    }

    /** {@code count} stories of the built-in {@link StoryGrammar}, drawn from {@code seed}. */
    public static EncoderCorpus stories(long seed, int count, int maxWords) throws FormatException {
        return of(storyText(seed, count), maxWords, "task stories");
    }

    /** The text of {@code count} grammar stories drawn from {@code seed}, one per line. */
    public static String storyText(long seed, int count) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) sb.append(StoryGrammar.story(r));
        return sb.toString();
    }

    public BertVocabulary vocabulary() { return vocab; }

    public String describe() { return description; }

    /** Training and validation examples for {@code objective} on rows of at most {@code seq} tokens. */
    public EncoderData data(EncoderObjective objective, int seq) {
        if (seq < 8) throw new IllegalArgumentException("--seq " + seq + " is too short for [CLS] ... [SEP] examples (need 8)");
        List<EncoderExample> validation = new ArrayList<>();
        Random vr = new Random(VALIDATION_SEED);
        for (int i = 0; i < VALIDATION_EXAMPLES; i++) validation.add(example(objective, valid, validNext, vr, seq));
        return EncoderData.drawn(vocab, validation, description, r -> example(objective, train, trainNext, r, seq));
    }

    private EncoderExample example(EncoderObjective objective, List<int[]> s, List<Boolean> next, Random r, int seq) {
        EncoderExample e = objective == EncoderObjective.NSP ? pair(s, next, r, seq) : run(s, r, seq);
        return MlmMasking.mask(e, vocab, r);
    }

    /** [CLS] sentences from a random start, as many as fit [SEP] (the first cut to fit). */
    private EncoderExample run(List<int[]> s, Random r, int seq) {
        int start = r.nextInt(s.size());
        List<Integer> ids = new ArrayList<>();
        ids.add(vocab.cls());
        for (int i = start; i < s.size(); i++) {
            int[] sent = s.get(i);
            if (ids.size() + sent.length > seq - 1 && ids.size() > 1) break;
            for (int id : sent) {
                if (ids.size() < seq - 1) ids.add(id);
            }
        }
        ids.add(vocab.sep());
        return EncoderExample.of(ids.stream().mapToInt(Integer::intValue).toArray());
    }

    /** [CLS] A [SEP] B [SEP] with B the true next sentence half of the time (BERT sec. 3.1, task 2), else a random one. */
    private EncoderExample pair(List<int[]> s, List<Boolean> next, Random r, int seq) {
        int a;
        do {
            a = r.nextInt(s.size());
        } while (!next.get(a) && hasAnyNext(next));
        boolean isNext = r.nextBoolean() && next.get(a);
        int b;
        if (isNext) {
            b = a + 1;
        } else {
            do {
                b = r.nextInt(s.size());
            } while (s.size() > 2 && (b == a || b == a + 1));
        }
        int[] sa = s.get(a);
        int[] sb = s.get(b);
        int budget = seq - 3;
        int la = sa.length;
        int lb = sb.length;
        while (la + lb > budget) { // trim the longer one, as BERT's create_pretraining_data does
            if (la >= lb) la--; else lb--;
        }
        int n = la + lb + 3;
        int[] ids = new int[n];
        int[] types = new int[n];
        int k = 0;
        ids[k++] = vocab.cls();
        for (int i = 0; i < la; i++) ids[k++] = sa[i];
        ids[k++] = vocab.sep();
        for (int i = 0; i < lb; i++) {
            types[k] = 1;
            ids[k++] = sb[i];
        }
        types[k] = 1;
        ids[k] = vocab.sep();
        return new EncoderExample(ids, types, null, null, null, isNext ? EncoderExample.IS_NEXT : EncoderExample.NOT_NEXT);
    }

    private static boolean hasAnyNext(List<Boolean> next) {
        return next.contains(Boolean.TRUE);
    }
}
