package dev.glassbox.engine.tensor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

/**
 * Thread CPU time per matrix-vector product, float activations (A: {@link QuantGroups#matvec(float[], float[], int,
 * int)}) against 8-bit activations (B: {@link Q8_KActivations#of} plus the integer kernel, the quantisation counted in
 * every product), one JVM, one thread, alternated round by round (A B, B A, ...) so the load of a shared machine
 * falls on both alike. Not a test (surefire never runs it). Run:
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
 * java --add-modules jdk.incubator.vector -cp target/test-classes:target/classes:$(cat target/test.cp) \
 *     dev.glassbox.engine.tensor.KQuant8BitBenchmark [rounds]
 * </pre>
 * With a GGUF file instead ({@code KQuant8BitBenchmark model.gguf}): decode thread CPU ms per token of that model on
 * one thread (2 warm-up and 3 measured rounds of 48 greedy tokens); run it in alternating JVMs with and without
 * {@code -Dglassbox.kquant8=false}, since the choice is made at load.
 */
public final class KQuant8BitBenchmark {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private KQuant8BitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].endsWith(".gguf")) {
            decode(java.nio.file.Path.of(args[0]));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        Object[][] shapes = {{DType.Q4_K, 768, 2048}, {DType.Q4_K, 2048, 768}, {DType.Q6_K, 768, 2048},
                {DType.Q6_K, 32000, 768}};
        for (Object[] s : shapes) {
            run((DType) s[0], (Integer) s[1], (Integer) s[2], rounds);
        }
    }

    private static void run(DType type, int rows, int cols, int rounds) {
        Random r = new Random(42);
        QuantGroups g = QuantGroups.held(KQuantKernelsTest.random(type, rows, cols, r));
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) x[i] = (float) r.nextGaussian();
        float[] out = new float[rows];
        Runnable a = () -> g.matvec(x, out, 0, rows);
        Runnable b = () -> g.matvec(Q8_KActivations.of(x, cols), out, 0, rows);
        long slice = 300_000_000L;
        perProduct(a, 3_000_000_000L);
        perProduct(b, 3_000_000_000L);
        double[] ta = new double[rounds];
        double[] tb = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            if (i % 2 == 0) {
                ta[i] = perProduct(a, slice);
                tb[i] = perProduct(b, slice);
            } else {
                tb[i] = perProduct(b, slice);
                ta[i] = perProduct(a, slice);
            }
        }
        Arrays.sort(ta);
        Arrays.sort(tb);
        System.out.printf("%s %d x %d: float min %.1f median %.1f us | 8-bit min %.1f median %.1f us%n", type, rows, cols,
                ta[0], ta[rounds / 2], tb[0], tb[rounds / 2]);
    }

    private static void decode(java.nio.file.Path model) throws Exception {
        dev.glassbox.engine.model.LoadedModel m = dev.glassbox.engine.format.ModelLoader.load(model, null, Parallel.SERIAL);
        StringBuilder line = new StringBuilder(QuantGroups.INT8 ? "8-bit activations" : "float activations");
        int token = 1;
        for (int round = -2; round < 3; round++) {
            dev.glassbox.engine.model.DecoderSession s = m.decoder()
                    .newSession(dev.glassbox.engine.trace.Capture.none(m.config().layers()));
            long t0 = MX.getCurrentThreadCpuTime();
            for (int pos = 0; pos < 48; pos++) {
                token = Kernels.argmax(s.forward(token, pos));
            }
            if (round >= 0) {
                line.append(String.format(" %.2f", (MX.getCurrentThreadCpuTime() - t0) / 1e6 / 48));
            }
        }
        System.out.println(line + " ms/token");
    }

    /** Thread CPU microseconds per run of {@code work}, repeated for about {@code nanos} of CPU time. */
    private static double perProduct(Runnable work, long nanos) {
        long start = MX.getCurrentThreadCpuTime();
        long n = 0;
        long now;
        do {
            work.run();
            n++;
            now = MX.getCurrentThreadCpuTime();
        } while (now - start < nanos);
        return (now - start) / 1e3 / n;
    }
}
