package dev.glassbox.engine.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.TrainingData;

/**
 * The choices a search picks from, one list per gene. A genome holds one index per gene ({@link #GENES} of them, in
 * the order of the components); {@link #architecture} reads it. Only genomes the trainer accepts and can save
 * (heads divide dim, kv heads divide heads, ...) are ever proposed: {@link #random} and {@link #mutate} draw again
 * until {@link #valid}.
 */
public record SearchSpace(List<Integer> layers, List<Integer> heads, List<Integer> kvHeads, List<Integer> dims,
                          List<Integer> hidden, List<String> attention, List<Architecture.Experts> experts,
                          List<BlockDesign.Positions> positions) {

    /** Genes per genome: layers, heads, kv heads, dim, hidden, attention, experts, positions. */
    public static final int GENES = 8;
    /** Draws before a space is declared to hold no valid architecture (a proposal is a pure function of the seed). */
    private static final int TRIES = 10_000;

    /** A small default space for built-in tasks: 3 x 3 x 3 x 3 x 1 x 3 x 3 x 1 choices. */
    public static final SearchSpace DEFAULT = new SearchSpace(List.of(1, 2, 3), List.of(1, 2, 4), List.of(1, 2, 4),
            List.of(16, 32, 48), List.of(0), List.of("full", "sliding:W=8", "rosa:B=8"),
            List.of(Architecture.Experts.DENSE, new Architecture.Experts(4, 1), new Architecture.Experts(4, 2)),
            List.of(BlockDesign.Positions.ROPE));

    public SearchSpace {
        layers = List.copyOf(layers);
        heads = List.copyOf(heads);
        kvHeads = List.copyOf(kvHeads);
        dims = List.copyOf(dims);
        hidden = List.copyOf(hidden);
        attention = List.copyOf(attention);
        experts = List.copyOf(experts);
        positions = List.copyOf(positions);
        List<List<?>> genes = List.of(layers, heads, kvHeads, dims, hidden, attention, experts, positions);
        for (int g = 0; g < GENES; g++) {
            if (genes.get(g).isEmpty()) {
                throw new IllegalArgumentException("the search space has no choice for " + geneName(g));
            }
        }
    }

    /** Number of choices of gene {@code g}. */
    public int choices(int g) {
        return switch (g) {
            case 0 -> layers.size();
            case 1 -> heads.size();
            case 2 -> kvHeads.size();
            case 3 -> dims.size();
            case 4 -> hidden.size();
            case 5 -> attention.size();
            case 6 -> experts.size();
            case 7 -> positions.size();
            default -> throw new IndexOutOfBoundsException("gene " + g);
        };
    }

    /** The option naming gene {@code g} on the command line. */
    public static String geneName(int g) {
        return List.of("--layers", "--heads", "--kv-heads", "--dim", "--hidden", "--attention", "--experts", "--positions").get(g);
    }

    /** Architectures in the space (valid or not): the product of the choice counts. */
    public long size() {
        long n = 1;
        for (int g = 0; g < GENES; g++) {
            n *= choices(g);
        }
        return n;
    }

    public Architecture architecture(List<Integer> genome) {
        if (genome.size() != GENES) {
            throw new IllegalArgumentException("a genome has " + GENES + " genes, got " + genome.size());
        }
        return new Architecture(layers.get(genome.get(0)), heads.get(genome.get(1)), kvHeads.get(genome.get(2)),
                dims.get(genome.get(3)), hidden.get(genome.get(4)), attention.get(genome.get(5)), experts.get(genome.get(6)),
                positions.get(genome.get(7)));
    }

    /** True when the trainer accepts the genome's architecture on {@code data} at context {@code seq} and can save it. */
    public boolean valid(List<Integer> genome, TrainingData data, int seq) {
        try {
            architecture(genome).options(data, seq, 1, 1e-3f, 1, 0, false);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A uniformly drawn valid genome (each gene's choice uniform, redrawn whole until valid). */
    public List<Integer> random(Random rng, TrainingData data, int seq) {
        for (int t = 0; t < TRIES; t++) {
            List<Integer> g = new ArrayList<>(GENES);
            for (int i = 0; i < GENES; i++) {
                g.add(rng.nextInt(choices(i)));
            }
            if (valid(g, data, seq)) {
                return List.copyOf(g);
            }
        }
        throw new IllegalArgumentException("the search space holds no architecture the trainer accepts (heads must divide"
                + " --dim, kv heads must divide heads, experts need MLP blocks); widen its choices");
    }

    /**
     * The parent with exactly one gene changed to another of its choices (Real et al. 2019, sec. 3: a mutation alters
     * one choice): the gene is drawn uniformly among those with more than one choice, then the new value uniformly among
     * the others; redrawn until valid. A parent with no valid one-gene neighbour gives a fresh random genome.
     */
    public List<Integer> mutate(List<Integer> parent, Random rng, TrainingData data, int seq) {
        List<Integer> mutable = new ArrayList<>();
        for (int g = 0; g < GENES; g++) {
            if (choices(g) > 1) mutable.add(g);
        }
        if (!mutable.isEmpty()) {
            for (int t = 0; t < TRIES / 10; t++) {
                int gene = mutable.get(rng.nextInt(mutable.size()));
                int other = rng.nextInt(choices(gene) - 1);
                List<Integer> child = new ArrayList<>(parent);
                child.set(gene, other >= parent.get(gene) ? other + 1 : other);
                if (valid(child, data, seq)) {
                    return List.copyOf(child);
                }
            }
        }
        return random(rng, data, seq);
    }
}
