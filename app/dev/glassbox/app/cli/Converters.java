package dev.glassbox.app.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.Supplier;

import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.context.ContextLab;
import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.context.ContextSweep;
import dev.glassbox.engine.context.NativeContext;
import dev.glassbox.engine.model.Sampler;
import dev.glassbox.engine.routing.RoutingPolicy;
import dev.glassbox.engine.spec.Spec;
import dev.glassbox.engine.train.BpeLearner;
import dev.glassbox.engine.train.Freezing;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters that check an option's value while the command line is parsed, so a bad value gets
 * picocli's usage error naming the option, the value and what is expected. Spec options are checked by the engine's
 * own parsers (the {@link Spec} grammar) and passed on as text; checks that need the model run when it is loaded.
 */
final class Converters {
    private Converters() {
    }

    /** What a number's error calls the value (picocli names the option before it). */
    private static final String VALUE = "the value";

    /** Runs an engine parser; its IllegalArgumentException becomes picocli's usage error naming the option. */
    static <T> T parsed(Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** A text option checked by an engine parser; the text itself is what the command receives. */
    abstract static class Checked implements ITypeConverter<String> {
        abstract void check(String value);

        @Override
        public final String convert(String value) {
            return parsed(() -> {
                check(value);
                return value;
            });
        }
    }

    /** A context method such as sliding:W=128 (context-compare --method, train --context); native is resolved later. */
    static final class ContextMethod extends Checked {
        void check(String v) {
            if (!v.strip().equalsIgnoreCase(NativeContext.KEYWORD)) ContextPolicy.parse(v, 1);
        }
    }

    /** context-sweep's template: every alternative it expands to must be a valid method. */
    static final class ContextTemplate extends Checked {
        void check(String v) {
            for (String s : ContextSweep.expand(v)) ContextPolicy.parse(s, 1);
        }
    }

    /** routes --policy; layer numbers are checked against the model once it is loaded. */
    static final class Routing extends Checked {
        void check(String v) { RoutingPolicy.parse(v, 0); }
    }

    /** --ablate L.H,...; ranges are checked against the model once it is loaded. */
    static final class Heads extends Checked {
        void check(String v) { HeadSet.heads(v); }
    }

    static final class Freeze extends Checked {
        void check(String v) { Freezing.parse(v); }
    }

    static final class TokenizerSpec extends Checked {
        void check(String v) { BpeLearner.parseSpec(v); }
    }

    static final class PasskeyLengths extends Checked {
        void check(String v) { ContextLab.PasskeySettings.parseLengths(v); }
    }

    static final class HookPatterns extends Checked {
        void check(String v) {
            if (Spec.items(v).isEmpty()) throw new IllegalArgumentException("no hook pattern given, e.g. 'blocks.*.attn.pattern,logits'");
        }
    }

    /** A whole number in [min, max] ({@link Spec#wholeNumber}). */
    abstract static class WholeNumber implements ITypeConverter<Integer> {
        private final int min;
        private final int max;

        WholeNumber(int min, int max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Integer convert(String v) {
            return parsed(() -> Spec.wholeNumber(null, VALUE, v, min, max));
        }
    }

    static final class Positive extends WholeNumber {
        Positive() { super(1, Integer.MAX_VALUE); }
    }

    static final class NonNegative extends WholeNumber {
        NonNegative() { super(0, Integer.MAX_VALUE); }
    }

    /** A token count that leaves at least one prediction to score (--max-len, score's --context). */
    static final class TwoOrMore extends WholeNumber {
        TwoOrMore() { super(2, Integer.MAX_VALUE); }
    }

    /** -1 = the option's default, else a count (train --warmup). */
    static final class CountOrDefault extends WholeNumber {
        CountOrDefault() { super(-1, Integer.MAX_VALUE); }
    }

    /** A finite number in [min, max] ({@link Spec#number}), for a float option (finite as a float too). */
    abstract static class Number implements ITypeConverter<Float> {
        private final double min;
        private final double max;

        Number(double min, double max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Float convert(String v) {
            return (float) check(v);
        }

        final double check(String v) {
            double d = parsed(() -> Spec.number(null, VALUE, v, min, max));
            if (Float.isInfinite((float) d)) {
                throw new TypeConversionException(VALUE + " must be a finite number as a float, got " + v.strip());
            }
            return d;
        }
    }

    static final class NonNegativeNumber extends Number {
        NonNegativeNumber() { super(0, Double.MAX_VALUE); }
    }

    /** The same for a double option (its value parsed as a double, not through a float). */
    static final class NonNegativeDouble implements ITypeConverter<Double> {
        @Override
        public Double convert(String v) {
            new NonNegativeNumber().check(v);
            return Double.parseDouble(v.strip());
        }
    }

    static final class Probability extends Number {
        Probability() { super(0, 1); }
    }

    /** A learning rate: positive and finite (one that still blows the weights up is caught by the loss check). */
    static final class LearningRate extends Number {
        LearningRate() { super(Double.MIN_VALUE, Double.MAX_VALUE); }
    }

    /** 0 = greedy, else at least {@link Sampler#MIN_TEMPERATURE} (below it logits / T overflow to infinity). */
    static final class Temperature extends Number {
        Temperature() { super(0, 1e6); }

        @Override
        public Float convert(String v) {
            float t = super.convert(v);
            if (t != 0 && t < Sampler.MIN_TEMPERATURE) {
                throw new TypeConversionException("'" + v + "': use 0 for greedy decoding or a temperature >= "
                        + Sampler.MIN_TEMPERATURE + " (smaller ones overflow the logits)");
            }
            return t;
        }
    }

    /** A file to read: it must exist and be a regular, readable file. */
    static final class InputFile implements ITypeConverter<Path> {
        @Override
        public Path convert(String v) {
            Path p;
            try {
                p = Path.of(v);
            } catch (InvalidPathException e) {
                throw new TypeConversionException("'" + v + "' is not a valid path: " + e.getReason());
            }
            if (!Files.exists(p)) throw new TypeConversionException(v + ": no such file");
            if (Files.isDirectory(p)) throw new TypeConversionException(v + " is a folder; a file is expected");
            if (!Files.isReadable(p)) throw new TypeConversionException(v + ": not readable (permission denied)");
            return p;
        }
    }
}
