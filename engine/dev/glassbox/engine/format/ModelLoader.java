package dev.glassbox.engine.format;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import dev.glassbox.engine.format.hf.HfLoader;
import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.io.ModelFiles;
import dev.glassbox.engine.model.LanguageModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tokenizer.SentencePieceBpe;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.tokenizer.TokenizerJson;

/** Opens any supported model file or folder: detects the format and finds the tokenizer. */
public final class ModelLoader {
    private ModelLoader() {
    }

    public static LoadedModel load(Path path, Path tokenizer) throws IOException {
        return load(path, tokenizer, Parallel.shared());
    }

    public static LoadedModel load(Path path, Path tokenizer, Parallel parallel) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such model file or folder");
        }
        String name = path.getFileName().toString();
        if (HfLoader.isHfFolder(path)) {
            LanguageModel m = HfLoader.load(path, parallel);
            return new LoadedModel(name, path, "hf", m, hfTokenizer(path, tokenizer, m.config().vocabSize()));
        }
        if (Files.isDirectory(path)) {
            throw new FormatException(path, "folder is not a supported model (expected config.json + model.safetensors)");
        }
        if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            return dev.glassbox.engine.format.onnx.OnnxModels.load(path, tokenizer, parallel);
        }
        MappedFile f = MappedFile.open(path);
        // the content decides; a .gguf name without the magic gets GgufReader's "not a GGUF file: bad magic" error
        boolean ggufMagic = f.size() >= 4 && f.getInt(0) == dev.glassbox.engine.format.gguf.GgufReader.MAGIC;
        if (ggufMagic || name.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) {
            LoadedModel g = dev.glassbox.engine.format.gguf.GgufModelLoader.load(MappedFile.openWeights(path), parallel);
            if (tokenizer == null) {
                return g;
            }
            // an explicit tokenizer wins over (or stands in for) the one in the file's metadata
            Tokenizer t = tokenizer.getFileName().toString().endsWith(".json")
                    ? hfTokenizer(path, tokenizer, g.config().vocabSize())
                    : llama2cTokenizer(path, tokenizer, g.config().vocabSize());
            return new LoadedModel(g.name(), g.source(), g.format(), g.model(), t);
        }
        LanguageModel m = Llama2cFormat.load(path, parallel);
        Tokenizer tok = llama2cTokenizer(path, tokenizer, m.config().vocabSize());
        return new LoadedModel(name, path, "llama2c", m, tok);
    }

    /**
     * The model's tokenizer, for commands that turn text into tokens; an IllegalArgumentException saying what is
     * missing and what to pass when the model loaded without one (a Hugging Face folder with no tokenizer.json).
     */
    public static Tokenizer requireTokenizer(LoadedModel m) {
        if (m.tokenizer() != null) {
            return m.tokenizer();
        }
        String missing = switch (m.format()) {
            case "hf" -> "no tokenizer.json in the folder " + m.source();
            case "gguf" -> "no supported tokenizer in the file's metadata";
            default -> "none found beside it";
        };
        throw new IllegalArgumentException(m.name() + " has no tokenizer (" + missing + "); pass --tokenizer with the"
                + " path of its tokenizer.json" + (m.format().equals("gguf") ? " or llama2.c tokenizer.bin" : ""));
    }

    /** The explicit tokenizer, else tokenizer.bin or a tok*.bin with the model's vocabulary size next to the model. */
    static Tokenizer llama2cTokenizer(Path model, Path explicit, int vocab) throws IOException {
        if (explicit != null) {
            SentencePieceBpe t = SentencePieceBpe.read(explicit);
            checkVocab(explicit, t, vocab);
            return t;
        }
        Path dir = model.toAbsolutePath().getParent();
        Path std = dir.resolve("tokenizer.bin");
        if (Files.isRegularFile(std)) {
            SentencePieceBpe t = SentencePieceBpe.read(ModelFiles.insideFolder(dir, std));
            if (t.vocabSize() == vocab) {
                return t;
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "tok*.bin")) {
            for (Path p : ds) {
                if (!Files.isRegularFile(p)) {
                    continue; // a FIFO or device would block the read forever; a folder is no tokenizer
                }
                try {
                    SentencePieceBpe t = SentencePieceBpe.read(ModelFiles.insideFolder(dir, p));
                    if (t.vocabSize() == vocab) {
                        return t;
                    }
                } catch (FormatException ignored) {
                    // not a tokenizer; keep looking
                }
            }
        }
        throw new FormatException(model, "no tokenizer found: pass --tokenizer with a llama2.c tokenizer.bin of "
                + vocab + " tokens (looked for tokenizer.bin and tok*.bin beside the model)");
    }

    /** The explicit tokenizer, else tokenizer.json in the folder; null when the folder has none (ids only). */
    static Tokenizer hfTokenizer(Path folder, Path explicit, int vocab) throws IOException {
        Path file = explicit != null ? explicit : folder.resolve("tokenizer.json");
        if (explicit == null && !Files.isRegularFile(file)) {
            return null;
        }
        Tokenizer t = TokenizerJson.load(explicit != null ? file : ModelFiles.insideFolder(folder, file));
        if (t.vocabSize() > vocab) {
            throw new FormatException(file, "tokenizer has " + t.vocabSize() + " tokens but the model's vocabulary is " + vocab);
        }
        return t;
    }

    static void checkVocab(Path file, Tokenizer t, int vocab) throws FormatException {
        if (t.vocabSize() != vocab) {
            throw new FormatException(file, "tokenizer has " + t.vocabSize() + " tokens but the model's vocabulary is " + vocab);
        }
    }
}
