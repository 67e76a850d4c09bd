package dev.glassbox.engine.format.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.io.ModelFiles;
import dev.glassbox.engine.tensor.Tensor;

/**
 * The weights of a Hugging Face folder: {@code model.safetensors}, or the shards a
 * {@code model.safetensors.index.json} lists in its {@code weight_map}. Lookups check shapes against what
 * the config implies and name the file and tensor when something is missing or wrong.
 */
public final class HfCheckpoint {
    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";

    private final Path folder;
    private final Map<String, SafetensorsFile> fileOf;
    private final Set<String> used = new HashSet<>();

    private HfCheckpoint(Path folder, Map<String, SafetensorsFile> fileOf) {
        this.folder = folder;
        this.fileOf = fileOf;
    }

    public static HfCheckpoint open(Path folder) throws IOException {
        Path single = folder.resolve(SINGLE);
        if (Files.isRegularFile(single)) {
            SafetensorsFile f = SafetensorsFile.open(ModelFiles.insideFolder(folder, single));
            Map<String, SafetensorsFile> m = new LinkedHashMap<>();
            for (String n : f.names()) {
                m.put(n, f);
            }
            return new HfCheckpoint(folder, m);
        }
        Path index = folder.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            return new HfCheckpoint(folder, sharded(folder, ModelFiles.insideFolder(folder, index)));
        }
        String hint = Files.exists(folder.resolve("pytorch_model.bin"))
                ? " (pytorch_model.bin is a pickle and is not read; convert it to safetensors)" : "";
        throw new FormatException(folder, "no " + SINGLE + " or " + INDEX + " in the folder" + hint);
    }

    private static Map<String, SafetensorsFile> sharded(Path folder, Path index) throws IOException {
        JsonNode root = ModelFiles.readJson(index, ModelFiles.MAX_JSON_BYTES, "safetensors index");
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new FormatException(index, "missing or empty 'weight_map' object");
        }
        Map<String, SafetensorsFile> shards = new HashMap<>();
        Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            String shard = e.getValue().asText("");
            if (!e.getValue().isTextual() || shard.isEmpty() || shard.contains("/") || shard.contains("\\")
                    || shard.equals(".") || shard.equals("..")) {
                throw new FormatException(index, "tensor '" + e.getKey() + "' maps to '" + e.getValue()
                        + "', which is not a file name in this folder");
            }
            SafetensorsFile f = shards.get(shard);
            if (f == null) {
                Path p = folder.resolve(shard);
                if (!Files.isRegularFile(p)) {
                    throw new FormatException(index, "shard '" + shard + "' (holding '" + e.getKey() + "') is missing");
                }
                f = SafetensorsFile.open(ModelFiles.insideFolder(folder, p));
                shards.put(shard, f);
            }
            if (!f.contains(e.getKey())) {
                throw new FormatException(index, "weight_map puts '" + e.getKey() + "' in " + shard
                        + ", but that shard has no such tensor");
            }
            fileOf.put(e.getKey(), f);
        }
        return fileOf;
    }

    public Path folder() { return folder; }

    /**
     * Fails naming the tensors the loader never asked for: tensors of layers beyond num_hidden_layers, or of
     * another architecture, would otherwise be dropped silently. Exempt are what transformers also skips without
     * changing the computation: saved buffers (GPT-2's causal-mask attn.bias / attn.masked_bias, rotary inv_freq,
     * position_ids), BERT's pretraining heads (pooler, cls.) and ELECTRA's (discriminator_predictions.), and Glassbox's own extension tensors
     * ({@code .glassbox_*}, e.g. the learned context compression, read by their own readers).
     */
    public void requireAllUsed(String model) throws FormatException {
        List<String> unused = fileOf.keySet().stream().filter(n -> !used.contains(n) && !isBufferOrHead(n)).toList();
        if (!unused.isEmpty()) {
            throw new FormatException(folder, unused.size() + " tensor(s) in the checkpoint are not part of " + model
                    + ": " + String.join(", ", unused.subList(0, Math.min(5, unused.size())).stream()
                    .map(n -> "'" + n + "'").toList()) + (unused.size() > 5 ? ", ..." : "")
                    + " (extra layers, or config.json describes another architecture)");
        }
    }

    private static boolean isBufferOrHead(String name) {
        return name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias") || name.endsWith("rotary_emb.inv_freq")
                || name.endsWith("position_ids") || name.startsWith("pooler.") || name.contains(".pooler.")
                || name.startsWith("cls.") || name.startsWith("discriminator_predictions.") // ELECTRA's head
                || name.contains(".glassbox_");
    }

    public boolean has(String name) { return fileOf.containsKey(name); }

    /** The first of {@code prefixes} under which {@code probe} exists (checkpoints differ: "model.", "transformer.", ""). */
    public String prefix(String probe, String... prefixes) throws FormatException {
        for (String p : prefixes) {
            if (has(p + probe)) {
                return p;
            }
        }
        String[] tried = Arrays.stream(prefixes).map(p -> "'" + p + probe + "'").toArray(String[]::new);
        throw new FormatException(folder, "none of " + String.join(", ", tried)
                + " is in the checkpoint; does config.json's model_type match the weights?");
    }

    private SafetensorsFile file(String name) throws FormatException {
        SafetensorsFile f = fileOf.get(name);
        if (f == null) {
            throw new FormatException(folder, "missing tensor '" + name + "'");
        }
        used.add(name);
        return f;
    }

    public SafetensorsFile.Entry entry(String name) throws FormatException {
        return file(name).entry(name);
    }

    /** A [rows, cols] matrix, zero-copy. */
    public Tensor matrix(String name, int rows, int cols) throws FormatException {
        expectShape(name, rows, cols);
        return file(name).matrix(name);
    }

    /** A [rows, cols] matrix copied to float32. */
    public float[] matrixFloats(String name, int rows, int cols) throws FormatException {
        expectShape(name, rows, cols);
        return file(name).floats(name);
    }

    /** A vector of {@code n} values copied to float32. */
    public float[] vector(String name, int n) throws FormatException {
        SafetensorsFile.Entry e = entry(name);
        if (e.rank() != 1 || e.shape()[0] != n) {
            throw new FormatException(file(name).path(), "tensor '" + name + "' has shape " + e.shapeText()
                    + ", expected [" + n + "]");
        }
        return file(name).floats(name);
    }

    /** The vector if present, else null (optional biases). */
    public float[] optionalVector(String name, int n) throws FormatException {
        return has(name) ? vector(name, n) : null;
    }

    private void expectShape(String name, int rows, int cols) throws FormatException {
        SafetensorsFile.Entry e = entry(name);
        long[] s = e.shape();
        if (s.length != 2 || s[0] != rows || s[1] != cols) {
            throw new FormatException(file(name).path(), "tensor '" + name + "' has shape " + e.shapeText()
                    + ", expected [" + rows + ", " + cols + "] from config.json");
        }
    }
}
