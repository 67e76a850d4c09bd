package dev.glassbox.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.testing.TinyModels;

/**
 * Hostile tokenizer inputs: long texts (near-linear merges, length checked first), catastrophic regexes, huge and
 * non-regular files. The time bound only guards against a hang; the assertions are on results and messages.
 */
class TokenizerMalformedInputTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A byte-level BPE tokenizer.json: the 256 byte symbols, merges "a a" and "aa aa", and a Split regex. */
    private Path byteLevel(String regex) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < 256; b++) {
            vocab.put(symbol(b), b);
        }
        vocab.put("aa", 256);
        vocab.put("aaaa", 257);
        model.putArray("merges").add("a a").add("aa aa");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ObjectNode split = pre.putArray("pretokenizers").addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", regex);
        split.put("behavior", "Isolated");
        ObjectNode bl = ((com.fasterxml.jackson.databind.node.ArrayNode) pre.get("pretokenizers")).addObject();
        bl.put("type", "ByteLevel");
        bl.put("add_prefix_space", false);
        bl.put("use_regex", false);
        Path p = dir.resolve("tokenizer.json");
        Files.writeString(p, JSON.writeValueAsString(root));
        return p;
    }

    /** GPT-2's bytes_to_unicode. */
    private static String symbol(int b) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) {
            return String.valueOf((char) b);
        }
        int n = 0;
        for (int c = 0; c < b; c++) {
            boolean p = (c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE && c <= 0xFF);
            if (!p) n++;
        }
        return String.valueOf((char) (256 + n));
    }

    @Test
    void catastrophicRegexRunsInLinearTime() throws Exception {
        Tokenizer t = TokenizerJson.load(byteLevel("((a+)+)+b"));
        String hostile = "a".repeat(5000) + "!";
        int[] ids = assertTimeoutPreemptively(HANG_GUARD, () -> t.encode(hostile));
        assertEquals(hostile, t.decode(ids));
        assertEquals(1250 + 1, ids.length); // no match: the whole text is one piece, merged to "aaaa" x 1250 and "!"
    }

    @Test
    void backtrackingOnlyRegexFailsWithinItsBudget() throws Exception {
        Tokenizer t = TokenizerJson.load(byteLevel("((a+)+)+(?!x)b")); // lookahead: not RE2, runs with a step budget
        IllegalArgumentException e = assertTimeoutPreemptively(HANG_GUARD,
                () -> assertThrows(IllegalArgumentException.class, () -> t.encode("a".repeat(40) + "!")));
        assertTrue(e.getMessage().startsWith("tokenizer.json: the pre-tokenizer split regex needs more than 256 steps"),
                e.getMessage());
        assertArrayEquals(new int[] {257, 257, 'b'}, t.encode("aaaaaaaab")); // byte b has id b here
    }

    @Test
    void standardPatternsChooseTheirEngine() throws Exception {
        assertFalse(SplitPattern.compile(ByteLevelBpe.GPT2_SPLIT, null).isLinear()); // \s+(?!\S) needs lookahead
        assertTrue(SplitPattern.compile("((a+)+)+b", null).isLinear());
        assertFalse(SplitPattern.compile("\\w+", null).isLinear()); // Unicode \w: Oniguruma's meaning, not RE2's
        assertThrows(FormatException.class, () -> SplitPattern.compile("(unclosed", null));
    }

    @Test
    void longTextsEncodeInNearLinearTimeAndOverlongOnesFailFirst() throws Exception {
        SentencePieceBpe spm = TinyModels.tokenizer(64);
        String longText = "ab ".repeat(15_000); // 45k chars: the quadratic merge loop took minutes
        int[] ids = assertTimeoutPreemptively(HANG_GUARD, () -> spm.encode(longText));
        assertEquals(longText, spm.decode(ids));
        Tokenizer gpt2Like = TokenizerJson.load(byteLevel("a+|[^a]+"));
        String aaa = "a".repeat(60_000); // one word of 60k symbols for the rank merge
        int[] merged = assertTimeoutPreemptively(HANG_GUARD, () -> gpt2Like.encode(aaa));
        assertEquals(15_000, merged.length);
        String overlong = "x".repeat(Tokenizer.MAX_TEXT_CHARS + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spm.encode(overlong));
        assertTrue(e.getMessage().contains("over the tokenizer limit of " + Tokenizer.MAX_TEXT_CHARS + " characters"),
                e.getMessage());
    }

    @Test
    void hugeSparseTokenizerFileIsRefusedBeforeReading() throws Exception {
        Path big = dir.resolve("tokenizer.json");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(4L << 30); // sparse: no disk used
        }
        FormatException e = assertThrows(FormatException.class, () -> TokenizerJson.load(big));
        assertEquals("tokenizer.json: tokenizer file is 4294967296 bytes, over the limit of 268435456 bytes for a"
                + " tokenizer file", e.getMessage());
        Path bin = Files.move(big, dir.resolve("tokenizer.bin"));
        assertThrows(FormatException.class, () -> SentencePieceBpe.read(bin));
    }

    @Test
    void fifoTokenizerIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("tokenizer.json");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        FormatException e = assertTimeoutPreemptively(HANG_GUARD,
                () -> assertThrows(FormatException.class, () -> TokenizerJson.load(fifo)));
        assertTrue(e.getMessage().startsWith("tokenizer.json: tokenizer is not a regular file"), e.getMessage());
    }

    @Test
    void invalidJsonErrorsDoNotQuoteTheFile() throws Exception {
        Path p = dir.resolve("tokenizer.json");
        Files.writeString(p, "root:x:0:0:secret-line\n", StandardCharsets.UTF_8);
        FormatException e = assertThrows(FormatException.class, () -> TokenizerJson.load(p));
        assertEquals("tokenizer.json: not valid JSON at line 1, column 6", e.getMessage());
    }
}
