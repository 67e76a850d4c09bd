package dev.glassbox.engine.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.glassbox.engine.format.FormatException;
import dev.glassbox.engine.format.ModelFiles;

/**
 * Sentencepiece-style BPE as llama2.c's run.c applies it: a dummy-prefix space, code points looked up
 * in the vocabulary with byte fallback (id = byte + 3), then greedy merging of the best-scoring pair.
 */
public final class SentencePieceBpe implements Tokenizer {
    private final String[] pieces;
    private final float[] scores;
    private final int bos;
    private final int eos;
    private final int[] byteIds = new int[256];
    private final Map<String, Integer> ids = new HashMap<>();

    /** llama2.c's conventions: BOS = 1, EOS = 2. */
    public SentencePieceBpe(String[] pieces, float[] scores) {
        this(pieces, scores, 1, 2);
    }

    /**
     * A vocabulary with explicit BOS/EOS ids (GGUF tokenizer.ggml.bos_token_id/eos_token_id). Byte fallback uses
     * the "&lt;0xXX&gt;" pieces wherever the vocabulary has them, else run.c's id = byte + 3 (0 when beyond the vocabulary).
     */
    public SentencePieceBpe(String[] pieces, float[] scores, int bos, int eos) {
        if (pieces.length != scores.length) {
            throw new IllegalArgumentException(pieces.length + " pieces but " + scores.length + " scores");
        }
        if (bos < 0 || bos >= pieces.length || eos < 0 || eos >= pieces.length) {
            throw new IllegalArgumentException("BOS id " + bos + " / EOS id " + eos + " outside a vocabulary of "
                    + pieces.length + " tokens");
        }
        this.pieces = pieces.clone();
        this.scores = scores.clone();
        this.bos = bos;
        this.eos = eos;
        for (int i = 0; i < pieces.length; i++) {
            ids.putIfAbsent(pieces[i], i);
        }
        for (int b = 0; b < 256; b++) {
            byteIds[b] = ids.getOrDefault(String.format("<0x%02X>", b), b + 3 < pieces.length ? b + 3 : 0);
        }
    }

    /** Reads llama2.c's tokenizer.bin: int max_len, then per token float score, int length, bytes. */
    public static SentencePieceBpe read(Path file) throws IOException {
        byte[] all = ModelFiles.read(file, ModelFiles.MAX_TOKENIZER_BYTES, "tokenizer");
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < 4) {
            throw new FormatException(file, "too short for a llama2.c tokenizer (" + all.length + " bytes)");
        }
        int maxLen = b.getInt();
        if (maxLen <= 0 || maxLen > 1 << 16) {
            throw new FormatException(file, "not a llama2.c tokenizer: implausible max token length " + maxLen);
        }
        List<String> ps = new ArrayList<>();
        List<Float> ss = new ArrayList<>();
        while (b.remaining() > 0) {
            if (b.remaining() < 8) {
                throw new FormatException(file, "truncated at token " + ps.size() + " (offset " + b.position() + ")");
            }
            float score = b.getFloat();
            int len = b.getInt();
            if (len < 0 || len > maxLen || len > b.remaining()) {
                throw new FormatException(file, "token " + ps.size() + " has invalid length " + len
                        + " at offset " + (b.position() - 4));
            }
            byte[] s = new byte[len];
            b.get(s);
            ps.add(new String(s, StandardCharsets.UTF_8));
            ss.add(score);
        }
        if (ps.size() < 3) {
            throw new FormatException(file, "tokenizer holds " + ps.size() + " tokens; a llama2.c tokenizer starts with"
                    + " <unk>, <s> (BOS = 1) and </s> (EOS = 2)");
        }
        float[] scores = new float[ss.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = ss.get(i);
        }
        return new SentencePieceBpe(ps.toArray(String[]::new), scores);
    }

    @Override
    public int vocabSize() { return pieces.length; }

    @Override
    public int bos() { return bos; }

    @Override
    public int eos() { return eos; }

    public String piece(int id) { return pieces[id]; }

    public float score(int id) { return scores[id]; }

    @Override
    public int[] encode(String text) {
        List<Integer> tokens = new ArrayList<>();
        tokens.add(bos);
        if (!text.isEmpty()) {
            Integer space = ids.get(" ");
            if (space != null) {
                tokens.add(space);
            }
        }
        text.codePoints().forEach(cp -> {
            String s = new String(Character.toChars(cp));
            Integer id = ids.get(s);
            if (id != null) {
                tokens.add(id);
            } else {
                for (byte by : s.getBytes(StandardCharsets.UTF_8)) {
                    tokens.add(byteIds[by & 0xFF]);
                }
            }
        });
        // merge the best-scoring adjacent pair until none merges (never across BOS)
        while (true) {
            float best = Float.NEGATIVE_INFINITY;
            int bestId = -1;
            int bestIdx = -1;
            for (int i = 1; i < tokens.size() - 1; i++) {
                Integer merged = ids.get(pieces[tokens.get(i)] + pieces[tokens.get(i + 1)]);
                if (merged != null && scores[merged] > best) {
                    best = scores[merged];
                    bestId = merged;
                    bestIdx = i;
                }
            }
            if (bestIdx < 0) {
                break;
            }
            tokens.set(bestIdx, bestId);
            tokens.remove(bestIdx + 1);
        }
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public byte[] bytes(int previous, int token) {
        String p = pieces[token];
        if (previous == bos && p.startsWith(" ")) {
            p = p.substring(1);
        }
        Integer raw = rawByte(p);
        if (raw != null) {
            return new byte[] {(byte) (int) raw};
        }
        if (token == bos || token == eos) {
            return new byte[0];
        }
        return p.getBytes(StandardCharsets.UTF_8);
    }

    private static Integer rawByte(String p) {
        if (p.length() == 6 && p.startsWith("<0x") && p.endsWith(">")) {
            try {
                return Integer.parseInt(p.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    @Override
    public String display(int token) {
        return pieces[token].replace(' ', '\u2423').replace("\n", "\u21b5");
    }
}
