package dev.glassbox.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import dev.glassbox.engine.format.onnx.BundledEncoder;

/**
 * A bundled encoder's tokenizer.json read by our {@link WordPiece} and by Hugging Face tokenizers, both without
 * truncation ({@code hfFull}) and truncating to the model's window ({@code hfTruncating}).
 */
record BundledWordPiece(WordPiece ours, HuggingFaceTokenizer hfFull, HuggingFaceTokenizer hfTruncating) {
    static BundledWordPiece load(BundledEncoder encoder, int window) throws IOException {
        String resource = encoder.tokenizerResource();
        byte[] json;
        try (InputStream in = BundledWordPiece.class.getClassLoader().getResourceAsStream(resource)) {
            json = in.readAllBytes();
        }
        return new BundledWordPiece((WordPiece) TokenizerJson.parse(json, Path.of(resource)),
                HfReference.open(new ByteArrayInputStream(json), false, 1 << 20),
                HfReference.open(new ByteArrayInputStream(json), true, window));
    }

    /** Asserts our ids for {@code text} are Hugging Face's (untruncated). */
    void assertMatchesHuggingFace(String text) {
        assertArrayEquals(HfReference.ids(hfFull, text), ours.encode(text), "'" + text + "'");
    }
}
