package dev.glassbox.engine.format.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.io.ModelFiles;
import dev.glassbox.engine.model.LanguageModel;
import dev.glassbox.engine.tensor.Parallel;

/** Opens a Hugging Face model folder: config.json plus safetensors weights (single file or sharded). */
public final class HfLoader {
    public static final String CONFIG = "config.json";

    private HfLoader() {
    }

    public static boolean isHfFolder(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(CONFIG));
    }

    public static LanguageModel load(Path dir, Parallel parallel) throws IOException {
        if (!isHfFolder(dir)) {
            throw new FormatException(dir, "not a Hugging Face model folder (no " + CONFIG + ")");
        }
        Path configFile = ModelFiles.insideFolder(dir, dir.resolve(CONFIG));
        HfConfig config = HfConfig.read(configFile);
        HfCheckpoint weights = HfCheckpoint.open(dir);
        try {
            LanguageModel m = switch (config.model().architecture()) {
                case LLAMA, QWEN2 -> HfLlamaLoader.load(config, HfRouting.read(configFile),
                        HfLlamaLoader.relativePositions(configFile), weights, parallel);
                case GPT2 -> HfGpt2Loader.load(config, weights, parallel);
                case BERT -> HfBertLoader.load(config, weights, parallel);
                case SEQ2SEQ -> HfSeq2SeqLoader.load(config, weights, parallel);
            };
            weights.requireAllUsed("a " + config.modelType() + " model of " + config.model().layers() + " layers");
            return m;
        } catch (IllegalArgumentException e) {
            throw new FormatException(dir, "weights do not fit config.json: " + e.getMessage(), e);
        }
    }
}
