package dev.glassbox.engine.format.hf;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.io.ModelFiles;
import dev.glassbox.engine.model.ExpertRouter;

/**
 * The routing facts of a Llama-family config.json: Mixtral's {@code num_local_experts} and
 * {@code num_experts_per_tok} (model_type "mixtral"), and two Glassbox keys: {@value #ROUTER_KEY}
 * ("topk", the default and Mixtral's; "hash"; "random": checkpoints without router weights) and
 * {@value #RANDOM_ROUTING_KEY} (the probability of a jump to a random later layer the model was trained with).
 *
 * @param experts 0 for dense MLPs
 */
public record HfRouting(int experts, int topK, ExpertRouter.Kind router, double trainedRandomRouting) {
    public static final String ROUTER_KEY = "glassbox_router";
    public static final String RANDOM_ROUTING_KEY = "glassbox_random_routing_p";

    public static HfRouting read(Path file) throws IOException {
        JsonNode c = ModelFiles.readJson(file, ModelFiles.MAX_JSON_BYTES, "config");
        double p = c.path(RANDOM_ROUTING_KEY).asDouble(0);
        if (!(p >= 0 && p < 1)) {
            throw new FormatException(file, RANDOM_ROUTING_KEY + " must be in [0, 1), got " + c.get(RANDOM_ROUTING_KEY));
        }
        if (!c.path("model_type").asText().equals("mixtral")) {
            return new HfRouting(0, 0, ExpertRouter.Kind.TOPK, p);
        }
        int experts = c.path("num_local_experts").asInt(-1);
        int k = c.path("num_experts_per_tok").asInt(-1);
        if (experts < 2 || experts > 1024) {
            throw new FormatException(file, "num_local_experts must be an integer in 2..1024, got " + c.get("num_local_experts"));
        }
        if (k < 1 || k > experts) {
            throw new FormatException(file, "num_experts_per_tok must be in 1.." + experts + ", got " + c.get("num_experts_per_tok"));
        }
        ExpertRouter.Kind kind;
        try {
            kind = ExpertRouter.Kind.parse(c.path(ROUTER_KEY).asText("topk"));
        } catch (IllegalArgumentException e) {
            throw new FormatException(file, e.getMessage());
        }
        if (!kind.learned() && k != 1) {
            throw new FormatException(file, "a " + kind.label() + " router sends each token to one expert; num_experts_per_tok is " + k);
        }
        return new HfRouting(experts, k, kind, p);
    }

    public boolean moe() { return experts > 0; }
}
