package dev.glassbox.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.FormatException;

/** Small hand-made tokenizer.json files (char-level BPE, sentencepiece-style BPE, bad inputs) against HF tokenizers. */
class SyntheticTokenizerJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path write(String name, ObjectNode root) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, JSON.writeValueAsString(root), StandardCharsets.UTF_8);
        return p;
    }

    private static ObjectNode bpe(List<String> vocab, List<String> merges) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.putArray("added_tokens");
        root.putNull("normalizer");
        root.putNull("pre_tokenizer");
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode v = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) {
            v.put(vocab.get(i), i);
        }
        ArrayNode m = model.putArray("merges");
        merges.forEach(m::add);
        return root;
    }

    private static void assertSameAsHf(Path file, List<String> inputs) throws Exception {
        Tokenizer ours = TokenizerJson.load(file);
        HuggingFaceTokenizer hf = HfReference.open(file, false, 1 << 20);
        for (String s : inputs) {
            assertArrayEquals(HfReference.ids(hf, s), ours.encode(s), "'" + s + "'");
        }
    }

    @Test
    void characterBpeWithoutMergesIsOneIdPerCharacter() throws Exception {
        ObjectNode root = bpe(List.of("<unk>", " ", "a", "b", "c"), List.of());
        ((ObjectNode) root.get("model")).put("unk_token", "<unk>");
        Path f = write("chars.json", root);
        Tokenizer t = TokenizerJson.load(f);
        assertInstanceOf(CharBpe.class, t);
        assertArrayEquals(new int[] {2, 3, 1, 4, 0}, t.encode("ab cx"));
        assertEquals("ab c", t.decode(t.encode("ab c")));
        assertSameAsHf(f, List.of("ab cx", "abc", "", "zzz", "a  b"));
    }

    @Test
    void characterBpeMergesByRank() throws Exception {
        // "a b" ranks before "b c", so "abc" becomes ab + c, and "ab c" then makes "abc"
        Path f = write("merges.json", bpe(List.of(" ", "a", "b", "c", "ab", "bc", "abc"), List.of("a b", "b c", "ab c")));
        Tokenizer t = TokenizerJson.load(f);
        assertArrayEquals(new int[] {6}, t.encode("abc"));
        assertArrayEquals(new int[] {5, 0, 6}, t.encode("bc abc"));
        assertSameAsHf(f, List.of("abc", "bc abc", "cba", "aabbcc abcabc", "xyz"));
    }

    private static ObjectNode sentencePieceStyle(boolean metaspacePreTokenizer, String scheme) {
        List<String> vocab = new java.util.ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            vocab.add(String.format("<0x%02X>", b));
        }
        vocab.addAll(List.of("\u2581", "h", "e", "l", "o", "w", "r", "d", "\u2581h", "\u2581he", "ll", "llo",
                "\u2581hello", "\u2581w", "or", "\u2581wor", "\u2581world"));
        ObjectNode root = bpe(vocab, List.of("\u2581 h", "\u2581h e", "l l", "ll o", "\u2581he llo", "\u2581 w", "o r",
                "\u2581w or", "\u2581wor l", "\u2581 world"));
        ObjectNode model = (ObjectNode) root.get("model");
        model.put("unk_token", "<unk>");
        model.put("byte_fallback", true);
        model.put("fuse_unk", true);
        model.remove("merges");
        ArrayNode merges = model.putArray("merges");
        for (String m : List.of("\u2581 h", "\u2581h e", "l l", "ll o", "\u2581he llo", "\u2581 w", "o r", "\u2581w or")) {
            merges.add(m);
        }
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < 3; i++) {
            ObjectNode a = added.addObject();
            a.put("id", i);
            a.put("content", vocab.get(i));
            a.put("single_word", false);
            a.put("lstrip", false);
            a.put("rstrip", false);
            a.put("normalized", false);
            a.put("special", true);
        }
        if (metaspacePreTokenizer) {
            ObjectNode pre = root.putObject("pre_tokenizer");
            pre.put("type", "Metaspace");
            pre.put("replacement", "\u2581");
            pre.put("prepend_scheme", scheme);
            pre.put("split", false);
        } else {
            ObjectNode norm = root.putObject("normalizer");
            norm.put("type", "Sequence");
            ArrayNode ns = norm.putArray("normalizers");
            ObjectNode p = ns.addObject();
            p.put("type", "Prepend");
            p.put("prepend", "\u2581");
            ObjectNode r = ns.addObject();
            r.put("type", "Replace");
            r.putObject("pattern").put("String", " ");
            r.put("content", "\u2581");
        }
        ObjectNode pp = root.putObject("post_processor");
        pp.put("type", "TemplateProcessing");
        ArrayNode single = pp.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pp.putArray("pair");
        ObjectNode st = pp.putObject("special_tokens").putObject("<s>");
        st.put("id", "<s>");
        st.putArray("ids").add(1);
        st.putArray("tokens").add("<s>");
        return root;
    }

    private static final List<String> SP_INPUTS = List.of("hello world", "hello", " hello", "héllo wörld 😀",
            "hello</s>world", "world hello  hello", "");

    @Test
    void sentencePieceStyleNormalizerWithByteFallback() throws Exception {
        Path f = write("sp.json", sentencePieceStyle(false, null));
        Tokenizer t = TokenizerJson.load(f);
        assertInstanceOf(CharBpe.class, t);
        assertEquals(1, t.bos());
        assertSameAsHf(f, SP_INPUTS);
        assertEquals("héllo wörld 😀", t.decode(t.encode("héllo wörld 😀")));
    }

    @Test
    void metaspacePreTokenizerSchemes() throws Exception {
        assertSameAsHf(write("ms-first.json", sentencePieceStyle(true, "first")), SP_INPUTS);
        assertSameAsHf(write("ms-always.json", sentencePieceStyle(true, "always")), SP_INPUTS);
    }

    @Test
    void unsupportedModelTypeIsAClearFormatError() throws Exception {
        ObjectNode root = bpe(List.of("a"), List.of());
        ((ObjectNode) root.get("model")).put("type", "Unigram");
        FormatException e = assertThrows(FormatException.class, () -> TokenizerJson.load(write("uni.json", root)));
        assertTrue(e.getMessage().contains("uni.json") && e.getMessage().contains("Unigram"), e.getMessage());
    }

    @Test
    void malformedFilesAreFormatErrors() throws Exception {
        Path notJson = dir.resolve("bad.json");
        Files.writeString(notJson, "{ not json");
        assertThrows(FormatException.class, () -> TokenizerJson.load(notJson));
        Path noModel = dir.resolve("nomodel.json");
        Files.writeString(noModel, "{\"version\": \"1.0\"}");
        assertThrows(FormatException.class, () -> TokenizerJson.load(noModel));
        ObjectNode badMerge = bpe(List.of("a", "b"), List.of("a b"));
        FormatException e = assertThrows(FormatException.class, () -> TokenizerJson.load(write("m.json", badMerge)));
        assertTrue(e.getMessage().contains("merge 0"), e.getMessage());
        ObjectNode badId = bpe(List.of("a"), List.of());
        ((ObjectNode) badId.get("model").get("vocab")).put("b", -5);
        assertThrows(FormatException.class, () -> TokenizerJson.load(write("id.json", badId)));
    }
}
