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
 */
public final class KQuant8BitBenchmark {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private KQuant8BitBenchmark() {
    }

    public static void main(String[] args) {
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
