package dev.glassbox.testing;

import java.io.IOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** GPT-2's tokenizer.json (shared data) turned Qwen2-style: a Split on Qwen2's regex, then ByteLevel without its own. */
public final class Qwen2StyleTokenizer {
    private Qwen2StyleTokenizer() {
    }

    /** The tokenizer.json tree, its pre-tokenizer splitting on {@code regex} (Isolated) before ByteLevel. */
    public static ObjectNode json(ObjectMapper json, String regex) throws IOException {
        ObjectNode root = (ObjectNode) json.readTree(SharedData.require("models/gpt2-bpe/tokenizer.json").toFile());
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        ObjectNode split = steps.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", regex);
        split.put("behavior", "Isolated");
        split.put("invert", false);
        ObjectNode bl = steps.addObject();
        bl.put("type", "ByteLevel");
        bl.put("add_prefix_space", false);
        bl.put("trim_offsets", false);
        bl.put("use_regex", false);
        return root;
    }
}
