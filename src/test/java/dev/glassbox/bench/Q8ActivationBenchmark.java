package dev.glassbox.bench;

import java.lang.foreign.MemorySegment;
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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import dev.glassbox.engine.tensor.F32Tensor;
import dev.glassbox.engine.tensor.Q8_0Tensor;
import dev.glassbox.engine.tensor.Quantize;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Q8_0 decode product as it is ({@link Q8_0Tensor#matvec}: int8 weights widened to float, float activations)
 * against a candidate with 8-bit activations as llama.cpp's q8_0 x q8_0 dot product: x quantised per 32-block
 * (d = max|x| / 127, q = round(x / d)), int8 x int8 products in 16-bit lanes, two columns added before widening to
 * int (|w q| <= 128 * 127, two fit in a short), one float multiply per block. 256-bit (AVX2) form only, on the same
 * grouped layout (16 rows side by side per column; random bytes, since speed does not depend on the values). Not a
 * test: surefire never runs it; the candidate was measured slower and not adopted (docs/PERFORMANCE.md, "llama.cpp
 * side by side"). Run (one thread, about 2 minutes):
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
 * java --add-modules jdk.incubator.vector -cp target/test-classes:target/classes:$(cat target/test.cp) \
 *     dev.glassbox.bench.Q8ActivationBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class Q8ActivationBenchmark {
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final int GROUP = 16;
    private static final int BLOCK = 32;

    /** rows x cols: stories110M's w1 and w2 (in cache), and a 50 MB one read from memory. */
    @Param({"2048x768", "768x2048", "65536x768"})
    public String shape;

    int rows;
    int cols;
    Q8_0Tensor today;
    byte[] quants;
    float[] scales;
    float[] x;
    byte[] xq;
    float[] dx;
    float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        String[] rc = shape.split("x");
        rows = Integer.parseInt(rc[0]);
        cols = Integer.parseInt(rc[1]);
        SplittableRandom r = new SplittableRandom(7);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        today = (Q8_0Tensor) Quantize.q8_0(new F32Tensor(MemorySegment.ofArray(w), rows, cols));
        quants = new byte[rows * cols];
        r.nextBytes(quants);
        scales = new float[rows * cols / BLOCK];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = (float) r.nextDouble();
        }
        x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) r.nextGaussian();
        }
        xq = new byte[cols];
        dx = new float[cols / BLOCK];
        out = new float[rows];
    }

    @Benchmark
    public float[] floatActivations() {
        today.matvec(x, out, 0, rows);
        return out;
    }

    @Benchmark
    public float[] int8Activations() {
        quantise(x, xq, dx);
        for (int g = 0; g < rows / GROUP; g++) {
            group(g, out, g * GROUP);
        }
        return out;
    }

    /** ggml's quantize_row_q8_0_ref: per 32 values d = max|x| / 127, q = round(x / d). */
    private static void quantise(float[] x, byte[] xq, float[] dx) {
        for (int b = 0; b < dx.length; b++) {
            float amax = 0;
            for (int j = 0; j < BLOCK; j++) {
                amax = Math.max(amax, Math.abs(x[b * BLOCK + j]));
            }
            float d = amax / 127f;
            float id = d == 0 ? 0 : 1 / d;
            dx[b] = d;
            for (int j = 0; j < BLOCK; j++) {
                xq[b * BLOCK + j] = (byte) Math.round(x[b * BLOCK + j] * id);
            }
        }
    }

    private void group(int g, float[] dst, int dstOff) {
        int q = g * cols * GROUP;
        int s = g * (cols / BLOCK) * GROUP;
        FloatVector lo = FloatVector.zero(F8);
        FloatVector hi = FloatVector.zero(F8);
        for (int b = 0; b < cols / BLOCK; b++, q += BLOCK * GROUP, s += GROUP) {
            IntVector il = IntVector.zero(I8);
            IntVector ih = IntVector.zero(I8);
            int c0 = b * BLOCK;
            for (int c = 0; c < BLOCK; c += 2) {
                int at = q + c * GROUP;
                ShortVector p = ((ShortVector) ByteVector.fromArray(B16, quants, at)
                        .convertShape(VectorOperators.B2S, S16, 0)).mul((short) xq[c0 + c])
                        .add(((ShortVector) ByteVector.fromArray(B16, quants, at + GROUP)
                                .convertShape(VectorOperators.B2S, S16, 0)).mul((short) xq[c0 + c + 1]));
                il = il.add((IntVector) p.convertShape(VectorOperators.S2I, I8, 0));
                ih = ih.add((IntVector) p.convertShape(VectorOperators.S2I, I8, 1));
            }
            FloatVector d = FloatVector.broadcast(F8, dx[b]);
            lo = ((FloatVector) il.convertShape(VectorOperators.I2F, F8, 0)).mul(d)
                    .fma(FloatVector.fromArray(F8, scales, s), lo);
            hi = ((FloatVector) ih.convertShape(VectorOperators.I2F, F8, 0)).mul(d)
                    .fma(FloatVector.fromArray(F8, scales, s + 8), hi);
        }
        lo.intoArray(dst, dstOff);
        hi.intoArray(dst, dstOff + 8);
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(Q8ActivationBenchmark.class.getSimpleName())
                .forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("--add-modules", "jdk.incubator.vector").build()).run();
    }
}
