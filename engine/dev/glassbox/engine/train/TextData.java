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

/** A UTF-8 text file tokenised by characters (or characters and BPE merges): the first 90% trains, the last 10% validates. */
public record TextData(Path file, CharTokenizer tokenizer, int[] train, int[] valid) implements TrainingData {
    private static final int VALIDATION_BATCHES = 4;

    public static TextData read(Path file, int seq) throws IOException {
        return read(file, seq, CharTokenizer::of);
    }

    /** Tokenised by the tokenizer {@code tokenizerOf} makes from the text (e.g. learns BPE, or ignores it for --init). */
    public static TextData read(Path file, int seq, java.util.function.Function<String, CharTokenizer> tokenizerOf)
            throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(file, "not valid UTF-8 text");
        }
        CharTokenizer tok = tokenizerOf.apply(text);
        int[] ids = tok.encodeRaw(text);
        int split = (int) (ids.length * 0.9);
        if (split < seq + 1 || ids.length - split < seq + 1) {
            throw new FormatException(file, "text of " + ids.length + " tokens is too short for --seq " + seq
                    + " (need at least " + (10 * (seq + 1)) + ")");
        }
        return new TextData(file, tok, java.util.Arrays.copyOf(ids, split), java.util.Arrays.copyOfRange(ids, split, ids.length));
    }

    @Override
    public Batch trainBatch(long seed, int step, int batch, int seq) {
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + step);
        int[] starts = new int[batch];
        for (int b = 0; b < batch; b++) {
            starts[b] = r.nextInt(train.length - seq);
        }
        return window(train, starts, seq);
    }

    @Override
    public List<Batch> validation(int batch, int seq) {
        List<Batch> out = new ArrayList<>();
        int stride = Math.max(1, (valid.length - seq - 1) / (batch * VALIDATION_BATCHES));
        int next = 0;
        for (int i = 0; i < VALIDATION_BATCHES; i++) {
            int[] starts = new int[batch];
            for (int b = 0; b < batch; b++) {
                starts[b] = Math.min(next, valid.length - seq - 1);
                next += stride;
            }
            out.add(window(valid, starts, seq));
        }
        return out;
    }

    private static Batch window(int[] ids, int[] starts, int seq) {
        int batch = starts.length;
        int[] in = new int[batch * seq];
        int[] tg = new int[batch * seq];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(ids, starts[b], in, b * seq, seq);
            System.arraycopy(ids, starts[b] + 1, tg, b * seq, seq);
        }
        return new Batch(in, tg, batch, seq);
    }

    @Override
    public String describe() {
        return "text " + file.getFileName();
    }
}
