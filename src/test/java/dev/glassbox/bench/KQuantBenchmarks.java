package dev.glassbox.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
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

import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.tensor.KQuantKernelsTest;
import dev.glassbox.engine.tensor.KQuantTensor;
import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;

/**
 * JMH: the K-quant matrix-vector product at stories110M's shapes (every row there is whole 256-value super-blocks),
 * random blocks in an off-heap segment as a mapped file gives. Not a test: surefire never runs it. Run as
 * {@link KernelBenchmarks} says, with class {@code dev.glassbox.bench.KQuantBenchmarks}. A 110M decode step
 * multiplies about 110 M weights, so (ns per weight) x 110 M is the matrix part of a token.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KQuantBenchmarks {

    @State(Scope.Benchmark)
    public static class MatVec {
        @Param({"768x2048", "2048x768"})
        public String shape;
        @Param({"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
        public String type;
        @Param({"1"})
        public int threads;

        Tensor w;
        float[] x;
        float[] out;
        Parallel par;

        @Setup(Level.Trial)
        public void setUp() {
            String[] rc = shape.split("x");
            int rows = Integer.parseInt(rc[0]);
            int cols = Integer.parseInt(rc[1]);
            DType d = DType.valueOf(type);
            KQuantTensor heap = KQuantKernelsTest.random(d, rows, cols, new Random(1));
            MemorySegment seg = Arena.ofAuto().allocate(heap.data().byteSize(), 64);
            seg.copyFrom(heap.data());
            w = Tensor.of(d, seg, rows, cols);
            x = new float[cols];
            Random r = new Random(2);
            for (int i = 0; i < cols; i++) x[i] = (float) r.nextGaussian();
            out = new float[rows];
            par = new Parallel(threads);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            par.close();
        }
    }

    @Benchmark
    public float matvec(MatVec s) {
        Kernels.matvec(s.w, s.x, s.out, s.par);
        return s.out[0];
    }

    public static void main(String[] args) throws RunnerException {
        Options o = new OptionsBuilder()
                .include(KQuantBenchmarks.class.getSimpleName() + "." + (args.length > 0 ? args[0] : ""))
                .forks(1)
                .warmupIterations(6).warmupTime(TimeValue.seconds(1)) // long-loop kernels reach C2 late on a loaded machine
                .measurementIterations(5).measurementTime(TimeValue.milliseconds(500))
                .jvmArgsAppend("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED")
                .build();
        new Runner(o).run();
    }
}
