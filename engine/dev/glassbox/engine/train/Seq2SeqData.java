package dev.glassbox.engine.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * (source, target) pairs of the string tasks of {@link SyntheticTask} (copy, reverse, sort), for the
 * encoder-decoder. Token layout, with BOS = {@code <s>} and the end marker {@code \n}:
 * source {@code <s> a b c \n}; decoder input {@code <s> c b a}; decoder targets {@code c b a \n}.
 * About one source string in eight (by a hash of the string) is held out: training never draws it and
 * validation draws only those, so the exact-match accuracy is measured on strings never trained on.
 */
public record Seq2SeqData(SyntheticTask task, CharTokenizer tokenizer) {
    private static final long VALIDATION_SEED = 0x5EED_2_5EEDL;
    private static final int HELD_OUT_BUCKETS = 8;

    /** One pair of strings (no markers). */
    public record Pair(String source, String target) {
    }

    public Seq2SeqData {
        if (task != SyntheticTask.COPY && task != SyntheticTask.REVERSE && task != SyntheticTask.SORT) {
            throw new IllegalArgumentException("the encoder-decoder trains on copy, reverse or sort, not "
                    + task.name().toLowerCase(Locale.ROOT));
        }
    }

    public Seq2SeqData(SyntheticTask task) {
        this(task, CharTokenizer.of("abcdefghijklmnopqrstuvwxyz\n"));
    }

    /** Id of the end marker {@code \n}, which ends every source and every target. */
    public int eos() { return tokenizer.encodeRaw("\n")[0]; }

    public int bos() { return tokenizer.bos(); }

    static boolean heldOut(String source) {
        return Math.floorMod(source.hashCode() * 0x9E3779B1, HELD_OUT_BUCKETS) == 0;
    }

    /** A pair from the task's generator whose source is (or, for training, is not) held out. */
    Pair pair(Random r, boolean validation) {
        while (true) {
            Example e = task.example(r, 0);
            String text = e.text();
            String source = text.substring(0, e.answerStart() - 1);
            if (heldOut(source) == validation) {
                return new Pair(source, text.substring(e.answerStart(), text.length() - 1));
            }
        }
    }

    /** {@code <s>} + characters + {@code \n}. */
    public int[] sourceIds(String source) {
        int[] raw = tokenizer.encodeRaw(source);
        int[] out = new int[raw.length + 2];
        out[0] = bos();
        System.arraycopy(raw, 0, out, 1, raw.length);
        out[raw.length + 1] = eos();
        return out;
    }

    /** The decoder's input under teacher forcing: {@code <s>} + target characters. */
    public int[] targetInput(String target) {
        int[] raw = tokenizer.encodeRaw(target);
        int[] out = new int[raw.length + 1];
        out[0] = bos();
        System.arraycopy(raw, 0, out, 1, raw.length);
        return out;
    }

    /** What the decoder must predict: target characters + {@code \n}. */
    public int[] targetOutput(String target) {
        int[] raw = tokenizer.encodeRaw(target);
        int[] out = Arrays.copyOf(raw, raw.length + 1);
        out[raw.length] = eos();
        return out;
    }

    /** The training batch of {@code step}, a pure function of (seed, step). */
    public Seq2SeqBatch trainBatch(long seed, int step, int batch) {
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + step);
        List<Pair> pairs = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            pairs.add(pair(r, false));
        }
        return batch(pairs);
    }

    /** A fixed set of {@code count} held-out pairs. */
    public List<Pair> validationPairs(int count) {
        Random r = new Random(VALIDATION_SEED);
        List<Pair> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(pair(r, true));
        }
        return out;
    }

    /** Pairs padded to the longest source and target among them (padding id {@code <unk>}, targets ignored). */
    public Seq2SeqBatch batch(List<Pair> pairs) {
        int n = pairs.size();
        int s = 0;
        int t = 0;
        for (Pair p : pairs) {
            s = Math.max(s, sourceIds(p.source()).length);
            t = Math.max(t, targetInput(p.target()).length);
        }
        int[] src = new int[n * s];
        int[] lens = new int[n];
        int[] tin = new int[n * t];
        int[] tgt = new int[n * t];
        Arrays.fill(tgt, CrossEntropy.IGNORE);
        for (int i = 0; i < n; i++) {
            int[] si = sourceIds(pairs.get(i).source());
            System.arraycopy(si, 0, src, i * s, si.length);
            lens[i] = si.length;
            int[] ti = targetInput(pairs.get(i).target());
            int[] to = targetOutput(pairs.get(i).target());
            System.arraycopy(ti, 0, tin, i * t, ti.length);
            System.arraycopy(to, 0, tgt, i * t, to.length);
        }
        return new Seq2SeqBatch(src, lens, tin, tgt, n, s, t);
    }

    public String describe() {
        return "task " + task.name().toLowerCase(Locale.ROOT) + " (source -> target)";
    }
}
