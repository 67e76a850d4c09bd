package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import dev.glassbox.engine.format.gguf.GgufWriter;
import dev.glassbox.engine.model.Gpt2Model;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Quantize;
import dev.glassbox.engine.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export-gguf", mixinStandardHelpOptions = true,
        description = "Write any loaded decoder (llama, qwen2, gpt2 family; tensors keep their dtype) as a GGUF file for llama.cpp.")
public final class ExportGgufCommand extends WritingCommand {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the .gguf file to write (an existing one only with --force)")
    Path out;

    @Option(names = "--name", description = "general.name in the file (default: the model's name)")
    String name;

    @Option(names = "--quantize", paramLabel = "TYPE",
            description = "q8_0: quantise every llama-family matrix whose rows hold whole 32-value blocks (others stay as they are)")
    String quantize;

    @Override
    int run(PrintWriter con) throws Exception {
        output.file(model);
        LoadedModel m = model.load();
        String n = name == null ? m.name() : name;
        switch (m.model()) {
            case LlamaModel l -> GgufWriter.write(quantize == null ? l : quantized(l), m.tokenizer(), n, out);
            case Gpt2Model g when quantize != null -> throw new IllegalArgumentException("--quantize supports llama-family models only");
            case Gpt2Model g -> GgufWriter.write(g, m.tokenizer(), n, out);
            default -> throw new IllegalArgumentException(m.name() + " is a " + m.config().architecture().name().toLowerCase(Locale.ROOT)
                    + " model; GGUF export supports the llama, qwen2 and gpt2 families");
        }
        con.printf(Locale.ROOT, "wrote %s (%.1f MB)%n", out, Files.size(out) / 1e6);
        if (m.tokenizer() != null && !GgufWriter.canEmbed(m.tokenizer())) {
            con.println("note: its " + m.tokenizer().getClass().getSimpleName() + " tokenizer has no GGUF form, so the file holds"
                    + " the weights only; load it with --tokenizer pointing at the original tokenizer file");
        }
        return 0;
    }

    private LlamaModel quantized(LlamaModel l) {
        if (!quantize.equalsIgnoreCase("q8_0")) {
            throw new IllegalArgumentException("unknown --quantize '" + quantize + "' (supported: q8_0)");
        }
        java.util.function.UnaryOperator<Tensor> q = t -> t == null || t.cols() % 32 != 0 ? t : Quantize.q8_0(t);
        LlamaModel.Weights w = l.weights();
        LlamaModel.Layer[] layers = new LlamaModel.Layer[w.layers().length];
        for (int i = 0; i < layers.length; i++) {
            LlamaModel.Layer a = w.layers()[i];
            layers[i] = new LlamaModel.Layer(a.attnNorm(), q.apply(a.wq()), q.apply(a.wk()), q.apply(a.wv()), q.apply(a.wo()),
                    a.bq(), a.bk(), a.bv(), a.ffnNorm(), q.apply(a.wGate()), q.apply(a.wUp()), q.apply(a.wDown()));
        }
        Tensor emb = q.apply(w.tokenEmbedding());
        Tensor output = w.output() == w.tokenEmbedding() ? emb : q.apply(w.output());
        return new LlamaModel(l.config(), new LlamaModel.Weights(emb, layers, w.finalNorm(), output), l.parallel());
    }
}
