package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.glassbox.testing.TinyLlama2c;

/**
 * A corpus of bad command lines, one per option family: each must fail with a non-zero exit and a one-line message
 * that names the option or file and the problem, with no stack trace, and must not hang. Models are written here
 * (a tiny llama2.c model, and the same with one NaN weight), so this runs on a fresh clone.
 */
class MalformedArgumentsTest {
    @TempDir
    static Path dir;

    static String model;
    static String nanModel;
    static String text;

    @BeforeAll
    static void models() throws IOException {
        model = TinyLlama2c.write(dir.resolve("ok"), 1).toString();
        Path nan = TinyLlama2c.write(dir.resolve("nan"), 1);
        poisonSecondLayerNorm(nan);
        nanModel = nan.toString();
        text = Files.writeString(dir.resolve("text.txt"), "a cat sat on a mat and the cat ran to the man").toString();
    }

    /** Writes NaN into block 1's attention-norm weight (block 0 stays finite, so the failure must name block 1). */
    private static void poisonSecondLayerNorm(Path file) throws IOException {
        int vocab = TinyLlama2c.pieces().size();
        long offset = 28 + 4L * ((long) vocab * TinyLlama2c.DIM + TinyLlama2c.DIM);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, Float.NaN), offset);
        }
    }

    private static String out(String name) {
        return dir.resolve("out-" + name).toString();
    }

    static Stream<Arguments> cases() {
        List<Arguments> c = new ArrayList<>();
        // generate: numbers, sampling, heads, files
        c.add(of("--steps", "generate", "--model", model, "--steps", "x"));
        c.add(of("--steps", "generate", "--model", model, "--steps", "-1"));
        c.add(of("--temperature", "generate", "--model", model, "--temperature", "1e-45"));
        c.add(of("--temperature", "generate", "--model", model, "--temperature", "NaN"));
        c.add(of("--top-p", "generate", "--model", model, "--top-p", "1.5"));
        c.add(of("--top-k", "generate", "--model", model, "--top-k", "-2"));
        c.add(of("--threads", "generate", "--model", model, "--threads", "-3"));
        c.add(of("--ablate", "generate", "--model", model, "--ablate", "1.x"));
        c.add(of("--ablate", "generate", "--model", model, "--ablate", "-1.0"));
        c.add(of("layer 9 outside 0..1", "generate", "--model", model, "--ablate", "9.0", "--steps", "1"));
        c.add(of("no-such.bin", "generate", "--model", dir.resolve("no-such.bin").toString()));
        c.add(of("--tokenizer", "generate", "--model", model, "--tokenizer", dir.toString()));
        // score
        c.add(of("--text-file", "score", "--model", model, "--text-file", dir.toString()));
        c.add(of("--text-file", "score", "--model", model, "--text-file", dir.resolve("missing.txt").toString()));
        c.add(of("--context", "score", "--model", model, "--text-file", text, "--context", "0"));
        // trace: hook patterns
        c.add(of("--hooks", "trace", "--model", model, "--prompt", "a", "--hooks", ",", "--out", out("t1")));
        c.add(of("matches no hook", "trace", "--model", model, "--prompt", "a", "--hooks", "nothing.here", "--out", out("t2")));
        c.add(of("--steps", "trace", "--model", model, "--prompt", "a", "--hooks", "logits", "--steps", "2147483648",
                "--out", out("t3")));
        // context methods (one grammar: name:key=value,...)
        String[] cc = {"context-compare", "--model", model, "--text-file", text, "--out", out("cc")};
        c.add(of("s must be a finite number", concat(cc, "--method", "pi:s=Infinity")));
        c.add(of("s must be >= 1, got 0.5", concat(cc, "--method", "yarn:s=0.5")));
        c.add(of("W must be >= 1", concat(cc, "--method", "sliding:W=0")));
        c.add(of("W must be a whole number", concat(cc, "--method", "sliding:W=1e3")));
        c.add(of("unknown parameter 'X'", concat(cc, "--method", "sliding:X=3")));
        c.add(of("unknown context method 'bogus'", concat(cc, "--method", "bogus:W=3")));
        c.add(of("'W' is given twice", concat(cc, "--method", "sliding:W=3,W=4")));
        c.add(of("B must be >= 2", concat(cc, "--method", "rosa:B=1")));
        c.add(of("fn must be mean", concat(cc, "--method", "compressive:fn=median")));
        c.add(of("global must be >= 0", concat(cc, "--method", "longformer:w=4,global=[0;-2]")));
        c.add(of("--passkey-lengths", concat(cc, "--method", "full", "--passkey-lengths", "-5")));
        c.add(of("--passkey-depths", concat(cc, "--method", "full", "--passkey-depths", "0")));
        c.add(of("--max-len", concat(cc, "--method", "full", "--max-len", "1")));
        c.add(of("W must be a whole number", "context-sweep", "--model", model, "--text-file", text,
                "--method", "sliding:W=16|x", "--out", out("cs")));
        // routing policies
        String[] rt = {"routes", "--model", model, "--prompt", "a cat", "--out", out("rt")};
        c.add(of("layer must be >= 0", concat(rt, "--policy", "skip:-1")));
        c.add(of("layer must be in 0..1", concat(rt, "--policy", "keep:0;9")));
        c.add(of("p must be in [0, 1]", concat(rt, "--policy", "random:p=2")));
        c.add(of("p must be a number", concat(rt, "--policy", "stochastic-depth:p=x")));
        c.add(of("unknown routing policy", concat(rt, "--policy", "sideways")));
        c.add(of("--samples", concat(rt, "--samples", "0")));
        // train: numbers, specs, memory
        String[] tr = {"train", "--task", "copy", "--layers", "1", "--heads", "1", "--dim", "8", "--out", out("tr")};
        c.add(of("--lr", concat(tr, "--lr", "Infinity")));
        c.add(of("--lr", concat(tr, "--lr", "0")));
        c.add(of("--lr", concat(tr, "--lr", "x")));
        c.add(of("--steps", concat(tr, "--steps", "2147483648")));
        c.add(of("--batch", concat(tr, "--batch", "0")));
        c.add(of("--weight-decay", concat(tr, "--weight-decay", "-1")));
        c.add(of("--random-routing", concat(tr, "--random-routing", "2")));
        c.add(of("--layers", concat(tr, "--layers", "-1")));
        c.add(of("--warmup", concat(tr, "--warmup", "-7")));
        c.add(of("more than the", concat(tr, "--batch", "1000000", "--steps", "1")));
        c.add(of("(--batch, --seq, --dim", "train", "--task", "copy", "--layers", "1", "--heads", "1", "--dim", "200000",
                "--steps", "1", "--out", out("tr")));
        c.add(of("K must be a whole number", concat(tr, "--freeze", "progressive:x")));
        c.add(of("not a block index", concat(tr, "--freeze", "0,bogus")));
        c.add(of("N must be in 3..65536", "train", "--text-file", text, "--layers", "1", "--heads", "1", "--dim", "8",
                "--tokenizer", "bpe:2", "--out", out("tr")));
        c.add(of("W must be >= 1", concat(tr, "--context", "sliding:W=-1")));
        c.add(of("--text-file", "train", "--text-file", dir.toString(), "--layers", "1", "--heads", "1", "--dim", "8",
                "--out", out("tr")));
        // NaN weights: every computed result stops at the first hook or position the NaN reaches
        c.add(of("in blocks.1.", "score", "--model", nanModel, "--text-file", text));
        c.add(of("in blocks.1.", "trace", "--model", nanModel, "--prompt", "a cat", "--hooks", "*", "--out", out("tn")));
        c.add(of("non-finite value", "trace", "--model", nanModel, "--prompt", "a cat", "--hooks", "logits", "--out", out("tn2")));
        c.add(of("in blocks.1.", "heads", "--model", nanModel, "--text-file", text, "--out", out("hn")));
        c.add(of("non-finite value", "generate", "--model", nanModel, "--prompt", "a cat", "--steps", "2"));
        c.add(of("in blocks.1.", "routes", "--model", nanModel, "--prompt", "a cat", "--out", out("rn")));
        c.add(of("in blocks.1.", "context-compare", "--model", nanModel, "--text-file", text, "--method", "full",
                "--passkey-lengths", "none", "--out", out("cn")));
        return c.stream();
    }

    private static Arguments of(String fragment, String... args) {
        return Arguments.of(String.join(" ", args).replace(dir.toString(), "<tmp>"), fragment, args);
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void failsWithOneClearLine(String label, String fragment, String[] args) {
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRun.of(args), "hang guard");
        assertNotEquals(0, r.code(), "must fail: " + r.out());
        assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in: " + r.err());
        assertFalse(r.err().contains("at dev.glassbox") || r.err().contains("\tat ") || r.err().matches("(?s).*\\w+Exception.*"),
                "no stack trace or exception class in: " + r.err());
    }

    @Test
    void trainingThatBlowsUpStopsBeforeSavingNaNWeights() {
        Path target = dir.resolve("blown");
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRun.of("train", "--task", "copy",
                "--layers", "1", "--heads", "1", "--dim", "8", "--seq", "16", "--batch", "2", "--lr", "1e30",
                "--steps", "3", "--out", target.toString()), "hang guard");
        assertNotEquals(0, r.code(), r.out());
        assertTrue(r.err().contains("non-finite value"), r.err());
        assertFalse(Files.exists(target.resolve("model.safetensors")), "no checkpoint with NaN weights");
    }
}
