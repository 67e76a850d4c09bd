package dev.glassbox.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import dev.glassbox.engine.tensor.F32Tensor;
import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Quantize;
import dev.glassbox.engine.tensor.Tensor;

/**
 * JMH microbenchmarks of the decode kernels at the stories15M/110M shapes. Not a test: surefire never runs it.
 * Run (short settings, about 3 minutes):
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
 * java --add-modules jdk.incubator.vector -cp target/test-classes:target/classes:$(cat target/test.cp) \
 *     dev.glassbox.bench.KernelBenchmarks [regex, e.g. matvec]
 * </pre>
 * A matvec streams {@code rows * cols * 4} bytes, so bytes / (ns per op) is the achieved GB/s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KernelBenchmarks {

    /** Matrix-vector products at the shapes decode runs: attention (288x288), w2 of 110M, the classifier. */
    @State(Scope.Benchmark)
    public static class MatVec {
        @Param({"288x288", "768x2048", "32000x288"})
        public String shape;
        @Param({"1", "2"})
        public int threads;
        /**
         * heap = float[] behind the tensor, native = off-heap segment as a mapped file gives, q8_0 = the same
         * values quantised (grouped rows on the heap, a quarter of the bytes: bytes / ns is then a quarter).
         */
        @Param({"native", "heap", "q8_0"})
        public String storage;

        Tensor w;
        float[] x;
        float[] out;
        Parallel par;

        @Setup(Level.Trial)
        public void setUp() {
            String[] rc = shape.split("x");
            int rows = Integer.parseInt(rc[0]);
            int cols = Integer.parseInt(rc[1]);
            float[] values = random(rows * cols, 1);
            MemorySegment seg;
            if (storage.equals("heap")) {
                seg = MemorySegment.ofArray(values);
            } else {
                seg = Arena.ofAuto().allocate((long) values.length * Float.BYTES, 64);
                MemorySegment.copy(values, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
            }
            w = storage.equals("q8_0") ? Quantize.q8_0(new F32Tensor(seg, rows, cols)) : new F32Tensor(seg, rows, cols);
            x = random(cols, 1);
            out = new float[rows];
            par = new Parallel(threads);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            par.close();
        }
    }

    @State(Scope.Thread)
    public static class Vectors {
        @Param({"288", "2048"})
        public int n;
        float[] a;
        float[] b;
        float[] out;
        float[] scores;

        @Setup(Level.Trial)
        public void setUp() {
            a = random(n, 1);
            b = random(n, 1);
            out = new float[n];
            scores = random(n, 3);
        }
    }

    @Benchmark
    public float[] matvec(MatVec s) {
        Kernels.matvec(s.w, s.x, s.out, s.par);
        return s.out;
    }

    @Benchmark
    public float dot(Vectors v) {
        return Kernels.dot(v.a, 0, v.b, 0, v.n);
    }

    @Benchmark
    public float[] rmsnorm(Vectors v) {
        Kernels.rmsnorm(v.out, v.a, v.b, v.n, 1e-5f);
        return v.out;
    }

    @Benchmark
    public float[] softmax(Vectors v) {
        System.arraycopy(v.scores, 0, v.out, 0, v.n);
        Kernels.softmax(v.out, 0, v.n);
        return v.out;
    }

    static float[] random(int n, double scale) {
        SplittableRandom r = new SplittableRandom(n);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    /** Runs every benchmark (or those matching the first argument) with short settings. */
    public static void main(String[] args) throws RunnerException {
        Options o = new OptionsBuilder()
                .include(KernelBenchmarks.class.getSimpleName() + "." + (args.length > 0 ? args[0] : ""))
                .forks(1)
                .warmupIterations(3).warmupTime(TimeValue.milliseconds(500))
                .measurementIterations(5).measurementTime(TimeValue.milliseconds(500))
                .jvmArgsAppend("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED")
                .build();
        new Runner(o).run();
    }
}
