package dev.glassbox.engine.routing;

/**
 * Expert load statistics for one MoE layer over a batch of tokens.
 *
 * @param tokensPerExpert      assignments per expert (a top-k token counts k times)
 * @param coefficientOfVariation std / mean of the loads
 * @param maxOverMean          the busiest expert's load over the mean
 * @param overCapacity         fraction of assignments beyond capacity = ceil(capacityFactor * assignments / experts)
 * @param auxLoss              load-balancing loss as Hugging Face computes it for top-k ({@link BalanceLoss#topK}:
 *                             f_i counts all k choices; uniform routing gives k), alpha = 1; NaN without a router
 * @param switchTop1Loss       the same with f_i counting first choices only ({@link BalanceLoss#firstChoice}, Switch
 *                             top-1; uniform routing gives 1); NaN without a router
 */
public record LoadBalance(int[] tokensPerExpert, double coefficientOfVariation, double maxOverMean, double overCapacity,
                          double auxLoss, double switchTop1Loss) {

    /**
     * @param firstChoice  per token, the expert of its top-1 assignment
     * @param assignments  per token, all experts it was sent to
     * @param routerProbs  per token, the router's softmax over experts (P_i averages these); null if there is no router
     */
    public static LoadBalance of(int experts, int[] firstChoice, int[][] assignments, double[][] routerProbs,
                                 double capacityFactor) {
        int[] load = new int[experts];
        int total = 0;
        for (int[] a : assignments) {
            for (int e : a) {
                load[e]++;
                total++;
            }
        }
        double mean = total / (double) experts;
        double var = 0;
        int max = 0;
        for (int l : load) {
            var += (l - mean) * (l - mean);
            max = Math.max(max, l);
        }
        double cv = mean == 0 ? 0 : Math.sqrt(var / experts) / mean;
        int capacity = (int) Math.ceil(capacityFactor * total / experts);
        int over = 0;
        for (int l : load) over += Math.max(0, l - capacity);
        boolean router = routerProbs != null && firstChoice.length > 0;
        BalanceLoss.RouterProbabilities p = (t, e) -> routerProbs[t][e];
        double aux = router ? BalanceLoss.topK(experts, assignments, p) : Double.NaN;
        double top1 = router ? BalanceLoss.firstChoice(experts, firstChoice, p) : Double.NaN;
        return new LoadBalance(load, cv, mean == 0 ? 0 : max / mean, total == 0 ? 0 : over / (double) total, aux, top1);
    }
}
