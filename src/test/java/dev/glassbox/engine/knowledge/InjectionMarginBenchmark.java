package dev.glassbox.engine.knowledge;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.train.EncoderModels;
import dev.glassbox.engine.train.EncoderObjective;
import dev.glassbox.engine.train.EncoderShape;
import dev.glassbox.engine.train.EncoderTrainer;
import dev.glassbox.engine.train.TrainingControl;

/**
 * Does injection help on a small world? Trains the same BERT (same seed, steps, shape) with each injection on
 * {@code SyntheticWorld.generate(seed, people, 0.5, relations)} for seeds 1..S, and prints the held-out fact scores
 * (accuracy, mean log-probability, mean rank; DEFINITIONS.md) every {@code every} steps and at the end, with the
 * thread CPU time of each run. Not a test (too slow for the suite; {@link InjectionHelpsTest} trains one world of it,
 * and PERFORMANCE.md, "Inject after masking", has the runs). Run:
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
 * java --add-modules jdk.incubator.vector -cp target/test-classes:target/classes:$(cat target/test.cp) \
 *     dev.glassbox.engine.knowledge.InjectionMarginBenchmark PEOPLE RELATIONS DIM LAYERS STEPS BATCH LR SEEDS INJECTIONS EVERY
 * e.g. ... InjectionMarginBenchmark 240 job 32 2 1000 16 1e-2 3 none,append,kbert 100
 * </pre>
 */
public final class InjectionMarginBenchmark {
    private InjectionMarginBenchmark() {
    }

    public static void main(String[] a) throws Exception {
        int people = Integer.parseInt(a[0]);
        List<String> relations = List.of(a[1].split(","));
        int dim = Integer.parseInt(a[2]);
        int layers = Integer.parseInt(a[3]);
        int steps = Integer.parseInt(a[4]);
        int batch = Integer.parseInt(a[5]);
        float lr = Float.parseFloat(a[6]);
        int seeds = Integer.parseInt(a[7]);
        String[] injections = a[8].split(",");
        int every = Integer.parseInt(a[9]);
        var threads = ManagementFactory.getThreadMXBean();
        for (int seed = 1; seed <= seeds; seed++) {
            SyntheticWorld.World w = SyntheticWorld.generate(seed, people, 0.5, relations);
            System.out.printf(Locale.ROOT, "seed %d: %d sentences, %d held-out facts%n", seed, w.train().size(), w.heldOut().size());
            for (String name : injections) {
                long cpu0 = threads.getCurrentThreadCpuTime();
                StringBuilder curve = new StringBuilder();
                KnowledgeCorpus.FactScore s = train(w, Injection.parse(name), dim, layers, steps, batch, lr, seed, every, curve);
                System.out.printf(Locale.ROOT, "  %-6s acc %.3f  log-prob %.3f  rank %.2f  (cpu %.1f s)  log-prob by step:%s%n", name,
                        s.accuracy(), s.logProbability(), s.rank(), (threads.getCurrentThreadCpuTime() - cpu0) / 1e9, curve);
            }
        }
    }

    /**
     * Trains a BERT of {@code dim} (2 heads, MLP 2 dim, 32 positions) on the world's text with {@code injection}, serially,
     * and returns its held-out fact scores; every {@code every} steps (0: never) the log-probability goes to {@code curve}.
     */
    static KnowledgeCorpus.FactScore train(SyntheticWorld.World w, Injection injection, int dim, int layers, int steps,
                                           int batch, float lr, int seed, int every, StringBuilder curve) throws Exception {
        KnowledgeCorpus corpus = KnowledgeCorpus.of(w.train(), w.kb(), injection, 32, 1000, "world");
        var data = corpus.data();
        EncoderShape shape = new EncoderShape(data.vocabulary().size(), dim, 2 * dim, layers, 2, 32, 2, EncoderShape.BERT_EPS);
        var o = EncoderTrainer.Options.of(EncoderObjective.MLM, shape, data, steps, batch, lr, seed);
        var clozes = corpus.clozeExamples(w.heldOut());
        EncoderModels m = new EncoderModels(o.objective(), o.shape(), EncoderModels.generatorShape(o.shape()), o.lambda(),
                Parallel.SERIAL);
        m.initialise(o.seed());
        new EncoderTrainer(o, Parallel.SERIAL, s -> { }).observe((p, l, v) -> {
            if (every > 0 && p.step() % every == 0) {
                curve.append(String.format(Locale.ROOT, " %d:%.2f", p.step(), KnowledgeCorpus.factScore(m, clozes).logProbability()));
            }
        }, new TrainingControl()).run(m);
        return KnowledgeCorpus.factScore(m, clozes);
    }
}
