package dev.glassbox.engine.routing;

/**
 * The load-balancing loss E * sum_i f_i * P_i (Fedus et al. 2021, "Switch Transformers", eq. 4, alpha left out):
 * P_i = the router's mean softmax probability of expert i over the N tokens, f_i = the share of tokens dispatched to
 * expert i. Two readings of f for top-k routing:
 * <ul>
 *   <li>{@link #topK}: f_i = (tokens with i among their k choices) / N, so sum_i f_i = k, as Hugging Face's
 *       {@code load_balancing_loss_func} (transformers, models/mixtral/modeling_mixtral.py) computes it: the one-hot
 *       of the top-k choices averaged over tokens, times the mean probabilities, summed, times num_experts. A uniform
 *       router gives k; this is the loss the trainer adds and {@code load.csv}'s {@code aux_loss}.</li>
 *   <li>{@link #firstChoice}: f_i counts only each token's top-1 choice (sum_i f_i = 1), the Switch paper's
 *       top-1 setting; a uniform router gives 1 ({@code load.csv}'s {@code switch_top1_loss}).</li>
 * </ul>
 * The two agree for top-1 routing.
 */
public final class BalanceLoss {
    private BalanceLoss() {
    }

    /** f_i over all of each token's choices: {@code assignments[t]} holds the experts token t was sent to. */
    public static double[] dispatchShares(int experts, int[][] assignments) {
        double[] f = new double[experts];
        for (int[] a : assignments) {
            for (int e : a) f[e] += 1.0 / assignments.length;
        }
        return f;
    }

    /** f_i over each token's first choice only. */
    public static double[] firstChoiceShares(int experts, int[] firstChoice) {
        double[] f = new double[experts];
        for (int e : firstChoice) f[e] += 1.0 / firstChoice.length;
        return f;
    }

    /** E * sum_i f_i * P_i for shares f and mean router probabilities P. */
    public static double of(double[] f, double[] meanProbability) {
        double s = 0;
        for (int e = 0; e < f.length; e++) s += f[e] * meanProbability[e];
        return f.length * s;
    }

    /** The router's softmax probability of {@code expert} for token {@code token}. */
    @FunctionalInterface
    public interface RouterProbabilities {
        double of(int token, int expert);
    }

    /** Hugging Face's top-k loss over the tokens of {@code assignments}. */
    public static double topK(int experts, int[][] assignments, RouterProbabilities probs) {
        return of(dispatchShares(experts, assignments), meanProbability(experts, assignments.length, probs));
    }

    /** The top-1 (Switch) reading: only first choices dispatch. */
    public static double firstChoice(int experts, int[] firstChoice, RouterProbabilities probs) {
        return of(firstChoiceShares(experts, firstChoice), meanProbability(experts, firstChoice.length, probs));
    }

    /** P_i: the mean over {@code tokens} tokens of the router's probability of expert i. */
    public static double[] meanProbability(int experts, int tokens, RouterProbabilities probs) {
        double[] p = new double[experts];
        for (int t = 0; t < tokens; t++) {
            for (int e = 0; e < experts; e++) p[e] += probs.of(t, e) / tokens;
        }
        return p;
    }
}
