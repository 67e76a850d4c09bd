package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


import dev.glassbox.engine.export.CsvWriter;
import dev.glassbox.engine.io.AtomicFile;
import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.ExpertMlp;
import dev.glassbox.engine.routing.ExpertRoutes;
import dev.glassbox.engine.routing.LoadBalance;
import dev.glassbox.engine.routing.RouteSampler;
import dev.glassbox.engine.routing.LayerSkipScan;
import dev.glassbox.engine.routing.RoutingPolicy;
import dev.glassbox.engine.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.glassbox.engine.io.Json;

@Command(name = "routes", mixinStandardHelpOptions = true,
        description = "Sample the paths tokens take through the layers and measure their effect on predictions.")
public final class RoutesCommand extends WritingCommand {
    @Option(names = "--prompt", required = true, description = "prompt text")
    String prompt;

    @Option(names = "--policy", converter = Converters.Routing.class,
            description = "dense | keep:0;2 | skip:3 | random:p=P | stochastic-depth:p=P (default: the model's own, i.e."
                    + " its trained random routing, dense for expert models, else random:p=0.2)")
    String policy;

    @Option(names = "--capacity-factor", defaultValue = "1.0",
            description = "expert capacity = factor x assignments / experts, for load.csv's over-capacity share (default ${DEFAULT-VALUE})")
    double capacityFactor;

    @Option(names = "--samples", converter = Converters.Positive.class, defaultValue = "32", description = "routes sampled per token (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--seed", defaultValue = "42", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--top-k", converter = Converters.Positive.class, defaultValue = "5", description = "predictions listed per path (default ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--skip-each", arity = "0..1", fallbackValue = "token", paramLabel = "token|sequence",
            description = "also write layer_skip.csv: the effect of skipping each single layer, for the predicting token only"
                    + " (token, the default; earlier tokens keep full depth) or for the whole sequence (sequence, as the"
                    + " trainer's random routing drops a layer)")
    String skipEach;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    @Override
    int run(PrintWriter con) throws Exception {
        OutputFolder folder = output.folder(model);
        LoadedModel m = model.loadWithTokenizer();
        if (!m.isDecoder()) throw new IllegalArgumentException(m.name() + " is an encoder; routes are traced for decoders");
        Tokenizer tok = m.tokenizer();
        int[] ids = tok.encode(prompt);
        int layers = m.config().layers();
        RoutingPolicy p = RoutingPolicy.parse(policy != null ? policy : ExpertRoutes.ownPolicy(m.decoder(), "random:p=0.2"), layers);
        if (!(capacityFactor > 0)) throw new IllegalArgumentException("--capacity-factor must be > 0, got " + capacityFactor);
        LayerSkipScan.Mode skipMode = skipEach == null ? null : skipMode(skipEach);
        ExpertMlp[] moe = ExpertRoutes.expertLayers(m.decoder());
        List<ExpertRoutes.Hop[]> hops = moe.length > 0 ? ExpertRoutes.trace(m.decoder(), ids, () -> false) : List.of();
        List<RouteSampler.TokenRoutes> routes = RouteSampler.sample(m.decoder(), ids, p, samples, seed, topK, () -> false);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", m.name());
        json.put("prompt", prompt);
        json.put("policy", p.label());
        json.put("samples", samples);
        json.put("seed", seed);
        json.put("kl_direction", "KL(full-depth || path), nats");
        if (skipMode != null) json.put("layer_skip_mode", skipMode.label());
        List<Object> tokens = new ArrayList<>();
        double meanKl = 0, ensKl = 0, nFull = 0, nPath = 0, nEns = 0;
        int scored = 0;
        for (RouteSampler.TokenRoutes r : routes) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("position", r.position());
            t.put("token", r.token());
            t.put("text", tok.display(r.token()));
            t.put("next_token", r.nextToken());
            t.put("full_top", top(tok, r.fullTopIds(), r.fullTopProbs()));
            t.put("mean_kl", r.meanKl());
            t.put("ensemble_kl", r.klEnsemble());
            if (r.nextToken() >= 0) {
                t.put("full_nll", r.fullNll());
                t.put("mean_path_nll", r.meanPathNll());
                t.put("ensemble_nll", r.ensembleNll());
                nFull += r.fullNll();
                nPath += r.meanPathNll();
                nEns += r.ensembleNll();
                scored++;
            }
            List<Object> paths = new ArrayList<>();
            for (RouteSampler.PathOutcome o : r.paths()) {
                Map<String, Object> po = new LinkedHashMap<>();
                po.put("path", o.path().label());
                po.put("count", o.count());
                po.put("kl_to_full", o.klToFull());
                po.put("top", top(tok, o.topIds(), o.topProbs()));
                paths.add(po);
            }
            t.put("paths", paths);
            if (!hops.isEmpty()) {
                List<Object> ex = new ArrayList<>();
                ExpertRoutes.Hop[] h = hops.get(r.position());
                for (int l = 0; l < h.length; l++) {
                    if (h[l] == null) continue;
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("layer", l);
                    e.put("experts", h[l].experts());
                    e.put("weights", h[l].weights());
                    e.put("router_probs", h[l].probs());
                    ex.add(e);
                }
                t.put("experts", ex);
            }
            tokens.add(t);
            meanKl += r.meanKl() / routes.size();
            ensKl += r.klEnsemble() / routes.size();
        }
        json.put("tokens", tokens);
        folder.write("routes.json", stream -> Json.PRETTY.writeValue(stream, json));
        con.printf(Locale.ROOT, "%s, %d samples/token over %d tokens%n", p.label(), samples, routes.size());
        con.printf(Locale.ROOT, "mean KL(full||path) %.4f   KL(full||ensemble) %.4f%n", meanKl, ensKl);
        if (scored > 0) {
            con.printf(Locale.ROOT, "next-token NLL: full %.4f   mean path %.4f   ensemble %.4f%n",
                    nFull / scored, nPath / scored, nEns / scored);
        }
        if (skipMode != null) {
            LayerSkipScan.Mode mode = skipMode;
            try (AtomicFile f = folder.create("layer_skip.csv")) {
                CsvWriter w = new CsvWriter(f.writer());
                w.row("skip_mode", "layer", "mean_kl_to_full", "mean_nll", "full_nll");
                con.println("skipping each layer for the " + (mode == LayerSkipScan.Mode.TOKEN ? "predicting token only" : "whole sequence"));
                con.println("layer  mean KL(full||skip)  NLL skip  NLL full");
                for (LayerSkipScan.Row row : LayerSkipScan.run(m.decoder(), ids, mode, seed, topK, () -> false, l -> { })) {
                    int l = row.layer();
                    double kl = row.meanKl(), nll = row.meanNll(), full = row.fullNll();
                    w.row(mode.label(), l, kl, nll, full);
                    con.printf(Locale.ROOT, "%5d  %19.4f  %8.4f  %8.4f%n", l, kl, nll, full);
                }
                f.commit();
            }
        }
        if (moe.length == 0) {
            con.println("dense model: no experts, so no load.csv (expert load statistics apply to mixture-of-experts models)");
            return 0;
        }
        List<ExpertRoutes.LayerLoad> loads = ExpertRoutes.load(moe, hops, capacityFactor);
        writeLoad(folder.file("load.csv"), loads);
        con.println("layer  tokens per expert         CV  max/mean  over capacity    aux loss  Switch top-1");
        for (ExpertRoutes.LayerLoad ll : loads) {
            LoadBalance b = ll.balance();
            con.printf(Locale.ROOT, "%5d  %-20s  %6.3f  %8.3f  %13.3f  %10.4f  %12.4f%n", ll.layer(),
                    java.util.Arrays.toString(b.tokensPerExpert()), b.coefficientOfVariation(), b.maxOverMean(),
                    b.overCapacity(), b.auxLoss(), b.switchTop1Loss());
        }
        con.println("wrote " + out.resolve("load.csv"));
        return 0;
    }

    /**
     * One row per (layer, expert): assignments and share; then one row per layer (expert "all") with the total and
     * the layer statistics. aux_loss = E sum f_i P_i with f over all top-k choices (Hugging Face's
     * load_balancing_loss_func), switch_top1_loss the same with f over first choices (Switch top-1); alpha = 1, both
     * empty without a learned router (see {@link dev.glassbox.engine.routing.BalanceLoss}).
     */
    static void writeLoad(Path file, List<ExpertRoutes.LayerLoad> loads) throws java.io.IOException {
        try (AtomicFile f = AtomicFile.create(file)) {
            CsvWriter w = new CsvWriter(f.writer());
            w.row("layer", "expert", "tokens", "share", "coefficient_of_variation", "max_over_mean", "over_capacity",
                    "aux_loss", "switch_top1_loss");
            for (ExpertRoutes.LayerLoad ll : loads) {
                LoadBalance b = ll.balance();
                int total = java.util.Arrays.stream(b.tokensPerExpert()).sum();
                for (int e = 0; e < b.tokensPerExpert().length; e++) {
                    int n = b.tokensPerExpert()[e];
                    w.row(ll.layer(), e, n, total == 0 ? 0 : n / (double) total, "", "", "", "", "");
                }
                w.row(ll.layer(), "all", total, 1, b.coefficientOfVariation(), b.maxOverMean(), b.overCapacity(),
                        cell(b.auxLoss()), cell(b.switchTop1Loss()));
            }
            f.commit();
        }
    }

    private static LayerSkipScan.Mode skipMode(String text) {
        try {
            return LayerSkipScan.Mode.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--skip-each must be token or sequence, got '" + text + "'");
        }
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static List<Object> top(Tokenizer tok, int[] ids, float[] probs) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", ids[i]);
            e.put("text", tok.display(ids[i]));
            e.put("p", probs[i]);
            out.add(e);
        }
        return out;
    }
}
