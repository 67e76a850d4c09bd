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
import java.util.PriorityQueue;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.io.ModelFiles;

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
        Tokenizer.checkLength(text);
        List<Integer> tokens = new ArrayList<>();
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
        int[] merged = merge(tokens.stream().mapToInt(Integer::intValue).toArray());
        int[] out = new int[merged.length + 1];
        out[0] = bos; // never merged with its neighbour
        System.arraycopy(merged, 0, out, 1, merged.length);
        return out;
    }

    /**
     * run.c's loop (merge the best-scoring adjacent pair, the leftmost on ties, until none merges) in O(n log n):
     * a priority queue of adjacent pairs ordered by (score descending, position) over a linked list of symbols,
     * as llama.cpp's llm_tokenizer_spm does; entries whose symbols changed since they were queued are skipped.
     */
    private int[] merge(int[] symbols) {
        SymbolList s = new SymbolList(symbols);
        PriorityQueue<Candidate> queue = new PriorityQueue<>(Math.max(1, symbols.length));
        for (int i = 0; i + 1 < symbols.length; i++) {
            offer(queue, s, i);
        }
        while (!queue.isEmpty()) {
            Candidate c = queue.poll();
            int right = s.next[c.left];
            if (!s.alive[c.left] || right < 0 || s.id[c.left] != c.leftId || s.id[right] != c.rightId) {
                continue; // stale
            }
            s.merge(c.left, c.merged);
            if (s.prev[c.left] >= 0) {
                offer(queue, s, s.prev[c.left]);
            }
            offer(queue, s, c.left);
        }
        return s.ids();
    }

    private void offer(PriorityQueue<Candidate> queue, SymbolList s, int left) {
        int right = s.next[left];
        if (right < 0) {
            return;
        }
        Integer merged = ids.get(pieces[s.id[left]] + pieces[s.id[right]]);
        if (merged != null && scores[merged] > Float.NEGATIVE_INFINITY) { // run.c never merges at -inf (nor NaN)
            queue.add(new Candidate(scores[merged], left, s.id[left], s.id[right], merged));
        }
    }

    private record Candidate(float score, int left, int leftId, int rightId, int merged)
            implements Comparable<Candidate> {
        @Override
        public int compareTo(Candidate o) {
            int c = Float.compare(o.score, score);
            return c != 0 ? c : Integer.compare(left, o.left);
        }
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
