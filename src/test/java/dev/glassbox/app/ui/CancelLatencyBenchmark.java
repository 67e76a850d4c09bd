package dev.glassbox.app.ui;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javafx.application.Platform;
import javafx.concurrent.Task;

import dev.glassbox.app.hub.FixtureHub;
import dev.glassbox.app.hub.HubEnvironment;
import dev.glassbox.app.hub.RepoRef;
import dev.glassbox.app.service.AnalysisService;
import dev.glassbox.app.service.HeadsAnalysis;
import dev.glassbox.app.service.HubService;
import dev.glassbox.app.service.RunRequest;
import dev.glassbox.app.service.RunService;
import dev.glassbox.app.service.TrainingController;
import dev.glassbox.app.service.TrainingSettings;
import dev.glassbox.app.service.TrainingSource;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.context.ContextLab;
import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.format.Llama2cWriter;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.routing.RoutingPolicy;
import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.ContextTraining;
import dev.glassbox.engine.train.Regime;
import dev.glassbox.engine.train.RoutingDesign;
import dev.glassbox.engine.train.SyntheticTask;
import dev.glassbox.visuals.AttentionMatrix;
import dev.glassbox.visuals.ColorScale;
import dev.glassbox.visuals.MatrixExport;
import dev.glassbox.visuals.Palette;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Issue #23's Cancel benchmark, not a test: every long task of the app is started through the service object the app
 * uses (Heads analysis, Context lab and routes through {@link AnalysisService} with the workspaces' default settings,
 * a generation through {@link RunService}, training through the Train workspace's {@link TrainingController}, a head
 * view SVG export through {@link HeadView#export}, a model download through {@link HubService} from a loopback hub)
 * on the stories110M shape, let run into its heaviest stage plus a random delay, and cancelled as the app's Cancel
 * does, on the FX thread. Right after the Cancel a new request of the same kind is made (as a user would), and that
 * request is the next one cancelled. Per task it prints, min / median / max over the repeats:
 * <ul>
 * <li>stop: from Cancel to the end of the cancelled worker (the engine/file thread free again: a marker task queued
 * right behind it runs; the trainer's or download's thread ended), wall ms and the process' CPU ms in that time
 * (all threads: the engine's own and its matrix workers; the load-independent figure on a loaded machine);</li>
 * <li>next: from Cancel until the new request has started its real work (its work entered; a generation's first
 * step; training's new run started once the stopped one ended; a download's first bytes).</li>
 * </ul>
 * Run (the model and its tokenizer are written/read as given; {@code tasks} a comma list, default all):
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx6g \
 *     -Dglass.platform=Headless -Dprism.order=sw -Djava.awt.headless=true \
 *     -cp target/test-classes:target/classes:$(cat target/test.cp) dev.glassbox.app.ui.CancelLatencyBenchmark \
 *     /tmp/cancel5/s110m.bin /work/shared/models/llama2c-tokenizer/tokenizer.bin /work/shared/corpora/tinystories_sample.txt 5 [tasks]
 * </pre>
 */
public final class CancelLatencyBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final long WAIT_NANOS = TimeUnit.MINUTES.toNanos(10);

    private CancelLatencyBenchmark() {
    }

    /** One request in flight: its task, when its real work began and when it reached its heaviest stage. */
    static final class Request {
        volatile Task<?> task;
        volatile long started;
        volatile long heavy;
        volatile Thread worker;
        volatile String status = "";

        /** The request ended by itself (before a Cancel). */
        boolean done() {
            Task<?> t = task;
            return t != null && t.isDone();
        }
    }

    /** How the end of a cancelled worker is seen. */
    @FunctionalInterface
    interface Ending {
        /** Waits for the end and returns its System.nanoTime(). */
        long await() throws Exception;
    }

    /** One kind of long task: how the app starts it and cancels it, and how its end is seen. */
    interface Kind {
        String name();

        /** Random delay after the heaviest stage began, before the Cancel (ms). */
        int jitterMs();

        /** Starts a request (FX thread). */
        Request start() throws Exception;

        /** Presses Cancel on {@code r} (FX thread) and returns how its end is seen. */
        Ending cancel(Request r) throws Exception;

        /** What the status line shows for {@code r} now (FX thread). */
        default String status(Request r) {
            return r.task != null ? r.task.getMessage() : r.status;
        }
    }

    public static void main(String[] args) throws Exception {
        Path modelFile = Path.of(args[0]);
        Path tokenizer = Path.of(args[1]);
        String text = Files.readString(Path.of(args[2]));
        int repeats = Integer.parseInt(args[3]);
        List<String> only = args.length > 4 ? List.of(args[4].split(",")) : null; // and in this order
        if (!Files.exists(modelFile)) {
            Files.createDirectories(modelFile.toAbsolutePath().getParent());
            Llama2cWriter.writeRandom(Llama2cWriter.Shape.STORIES_110M, 42L, modelFile);
        }
        CompletableFuture<Void> fxUp = new CompletableFuture<>();
        Platform.startup(() -> fxUp.complete(null));
        fxUp.get();
        Platform.setImplicitExit(false);
        LoadedModel m = ModelLoader.load(modelFile, tokenizer);
        Path tmp = Files.createTempDirectory("glassbox-cancel5");
        List<Kind> kinds = kinds(m, text, tmp);
        Random random = new Random(5);
        System.out.printf(Locale.ROOT, "%s, %d repeats, load %s%n", m.config(), repeats, load());
        int status = 1; // the loopback hub's server threads would keep the JVM alive after a failure
        try {
            for (String name : only != null ? only : kinds.stream().map(Kind::name).toList()) {
                measure(kinds.stream().filter(k -> k.name().equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no task " + name)), repeats, random);
            }
            status = 0;
        } catch (Exception | Error e) {
            e.printStackTrace();
        } finally {
            System.exit(status);
        }
    }

    private static void measure(Kind k, int repeats, Random random) throws Exception {
        List<double[]> samples = new ArrayList<>();
        String loadBefore = load();
        Request current = fx(k::start);
        int misses = 0;
        while (samples.size() < repeats && misses < 3 * repeats) {
            Request r = current;
            waitFor(() -> r.heavy != 0 || r.done(), k.name() + " reaches its heaviest stage");
            Thread.sleep(random.nextInt(k.jitterMs() + 1));
            long[] at = new long[2];
            Object[] made = fx(() -> {
                if (r.done()) return null; // ended before the Cancel: not a sample
                at[0] = System.nanoTime();
                at[1] = OS.getProcessCpuTime();
                String status = k.status(r);
                // with -Dcancel5.where=true: the worker's innermost project frames as the Cancel comes (where it landed)
                if (Boolean.getBoolean("cancel5.where") && r.worker != null) {
                    status += " | at " + Arrays.stream(r.worker.getStackTrace())
                            .filter(f -> f.getClassName().startsWith("dev.glassbox")).limit(3)
                            .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName())
                            .toList();
                }
                Ending ending = k.cancel(r);
                return new Object[] {ending, k.start(), status};
            });
            if (made == null) {
                misses++;
                System.out.printf("  %s ended before the Cancel: %s%n", k.name(), r.task == null ? "" : fx(r.task::getException));
                current = fx(k::start);
                continue;
            }
            Thread sampler = Boolean.getBoolean("cancel5.stacks") && r.worker != null ? stacks(r.worker) : null;
            long end = ((Ending) made[0]).await();
            if (sampler != null) sampler.interrupt();
            long cpu = OS.getProcessCpuTime();
            Request next = (Request) made[1];
            waitFor(() -> next.started != 0, k.name() + "'s next request starts");
            samples.add(new double[] {(end - at[0]) / 1e6, (cpu - at[1]) / 1e6, (next.started - at[0]) / 1e6});
            System.out.printf(Locale.ROOT, "  %s #%d: stop %.1f ms wall, %.1f ms CPU; next started after %.1f ms; status at Cancel: %s%n",
                    k.name(), samples.size(), (end - at[0]) / 1e6, (cpu - at[1]) / 1e6, (next.started - at[0]) / 1e6, made[2]);
            current = next;
        }
        Request last = current;
        fx(() -> k.cancel(last)).await();
        System.out.printf(Locale.ROOT, "%-18s n=%d  stop wall %s  stop CPU %s  next %s  (load %s -> %s)%n", k.name(),
                samples.size(), stats(samples, 0), stats(samples, 1), stats(samples, 2), loadBefore, load());
    }

    /**
     * With -Dcancel5.stacks=true: where a worker still is 100 ms after the Cancel and every 100 ms after (what runs
     * between its cancel checks).
     */
    private static Thread stacks(Thread worker) {
        Thread t = new Thread(() -> {
            try {
                for (int i = 0; ; i++) {
                    Thread.sleep(100);
                    StackTraceElement[] st = worker.getStackTrace();
                    System.out.printf("    %d ms after Cancel: %s%n", 100 * (i + 1), Arrays.stream(st).limit(14)
                            .map(StackTraceElement::toString).toList());
                }
            } catch (InterruptedException done) {
                // the worker ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String stats(List<double[]> s, int col) {
        double[] v = s.stream().mapToDouble(a -> a[col]).sorted().toArray();
        if (v.length == 0) return "-";
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return String.format(Locale.ROOT, "%.0f/%.0f/%.0f ms", v[0], median, v[v.length - 1]);
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }

    private static void waitFor(BooleanSupplier c, String what) throws InterruptedException {
        long t0 = System.nanoTime();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() - t0 > WAIT_NANOS) throw new IllegalStateException("timed out: " + what);
            Thread.sleep(1);
        }
    }

    private static <T> T fx(Callable<T> c) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(10, TimeUnit.MINUTES);
    }

    // --- the tasks ---

    private static List<Kind> kinds(LoadedModel m, String text, Path tmp) throws Exception {
        AnalysisService analysis = new AnalysisService();
        LlamaModel llama = (LlamaModel) m.model();
        int[] textIds = m.tokenizer().encode(text);
        int[] ids256 = Arrays.copyOf(textIds, 256); // the Context lab's default maximum length
        int[] ids128 = Arrays.copyOf(textIds, 128);
        List<Kind> out = new ArrayList<>();
        // Heads: cancelled in the ablation stage (importance of each head), the analysis' heaviest
        out.add(engineKind(analysis, "heads", 2000, HeadsAnalysis.label(HeadSet.empty()),
                (p, r) -> HeadsAnalysis.analyse(m, HeadsAnalysis.inputTokens(m, text), HeadSet.empty(), p, partial -> { }),
                (message, done, total) -> message.startsWith(I18n.text("heads.ablatingHeads")))); // every stage counts
        // Heads, cancelled anywhere in the first stages (weights, behaviour, roles)
        out.add(engineKind(analysis, "heads-early", 20000, HeadsAnalysis.label(HeadSet.empty()),
                (p, r) -> HeadsAnalysis.analyse(m, HeadsAnalysis.inputTokens(m, text), HeadSet.empty(), p, partial -> { }),
                (message, done, total) -> true));
        // Context lab: the workspace's four default methods, 256 tokens, passkeys of 128 and 256 at 3 depths
        List<ContextPolicy> policies = List.of("full", "sliding:W=64", "streaming:sinks=4,W=60", "yarn:s=4").stream()
                .map(s -> ContextPolicy.parse(s, m.config().contextLength())).toList();
        out.add(engineKind(analysis, "context-lab", 8000, I18n.text("tab.context"),
                (p, r) -> ContextLab.run(llama, null, m.tokenizer(), ids256, policies,
                        new ContextLab.PasskeySettings(new int[] {128, 256}, 3), ContextWorkspace.progress(p), p),
                (message, done, total) -> true));
        // Routes: the workspace's default policy and 16 samples over the first 128 tokens, then the layer-skip scan
        RoutingPolicy policy = RoutingPolicy.parse("stochastic-depth:p=0.1", m.config().layers());
        String text128 = m.tokenizer().decode(ids128);
        out.add(engineKind(analysis, "routes", 8000, I18n.text("routing.task", policy.label()),
                (p, r) -> RoutingWorkspace.route(m, text128, policy, 16, false, p), (message, done, total) -> true));
        out.add(generation(analysis, m, Arrays.copyOf(textIds, 200)));
        out.add(training("training", 6000));
        out.add(training("training-early", 400)); // Cancel while the data are read and the weights allocated and drawn
        out.add(export(tmp));
        out.add(download(tmp, false));
        out.add(download(tmp, true));
        return out;
    }

    /** What the work reported: the heavy stage begins at the first report it accepts. */
    @FunctionalInterface
    interface Heavy {
        boolean test(String message, double done, double total);
    }

    @FunctionalInterface
    interface EngineWork {
        Object run(AnalysisService.Progress p, Request r) throws Exception;
    }

    /**
     * A workspace computation on the engine thread through {@link AnalysisService}; its end is seen by a marker task
     * queued right behind it (the engine thread runs one task at a time).
     */
    private static Kind engineKind(AnalysisService analysis, String name, int jitterMs, String label, EngineWork work, Heavy heavy) {
        return new Kind() {
            @Override
            public String name() { return name; }

            @Override
            public int jitterMs() { return jitterMs; }

            @Override
            public Request start() {
                Request r = new Request();
                r.task = analysis.start(label, p -> {
                    r.worker = Thread.currentThread();
                    r.started = System.nanoTime();
                    return work.run(new AnalysisService.Progress() {
                        @Override
                        public void update(String message, double done, double total) {
                            r.status = message;
                            if (r.heavy == 0 && heavy.test(message, done, total)) r.heavy = System.nanoTime();
                            p.update(message, done, total);
                        }

                        @Override
                        public boolean cancelled() { return p.cancelled(); }
                    }, r);
                });
                return r;
            }

            @Override
            public Ending cancel(Request r) {
                r.task.cancel();
                return engineFree(analysis);
            }
        };
    }

    /** A marker task on the engine thread: it runs once the work ahead of it has ended. */
    private static Ending engineFree(AnalysisService analysis) {
        Task<Long> marker = analysis.start("marker", p -> System.nanoTime());
        return () -> marker.get(10, TimeUnit.MINUTES);
    }

    /** The explorer's generation (RunService): 200 prompt tokens, then up to 300 generated, cancelled anywhere. */
    private static Kind generation(AnalysisService analysis, LoadedModel m, int[] prompt) {
        RunService runs = new RunService();
        return new Kind() {
            @Override
            public String name() { return "generation"; }

            @Override
            public int jitterMs() { return 6000; }

            @Override
            public Request start() {
                Request r = new Request();
                r.task = runs.start(new RunRequest(m, prompt, new Generation.Settings(300, 0.8f, 0.9f, 0, 42L, false)),
                        live -> r.status = live.size() + " positions");
                // its call began (the state turns RUNNING on the FX thread right after)
                r.task.stateProperty().addListener((o, a, b) -> {
                    if (b == javafx.concurrent.Worker.State.RUNNING && r.started == 0) {
                        r.started = System.nanoTime();
                        r.heavy = r.started;
                    }
                });
                return r;
            }

            @Override
            public Ending cancel(Request r) {
                r.task.cancel();
                return engineFree(analysis);
            }
        };
    }

    /** The Train workspace's run (TrainingController) of a stories110M-shaped model on the COPY task, 64 x 4 a step, cancelled up to {@code jitterMs} after Start. */
    private static Kind training(String name, int jitterMs) {
        TrainingController controller = new TrainingController(e -> System.out.println("training error: " + e), (p, s) -> { });
        TrainingSettings settings = new TrainingSettings(12, 12, 12, 768, 2048, false, false, 64, 4, 3e-4f, 0f, 10_000, 1L,
                new TrainingSettings.Extras(BlockDesign.LLAMA, RoutingDesign.DENSE, ContextTraining.FULL, Regime.PLAIN));
        TrainingSource data = new TrainingSource.Task(SyntheticTask.COPY);
        return new Kind() {
            @Override
            public String name() { return name; }

            @Override
            public int jitterMs() { return jitterMs; }

            @Override
            public Request start() {
                Request r = new Request();
                if (!controller.running()) {
                    begin(r);
                    return r;
                }
                // Start is refused while a run is on: pressed again (FX thread) as soon as the stopped one has ended
                controller.runningProperty().addListener(new javafx.beans.value.ChangeListener<>() {
                    @Override
                    public void changed(javafx.beans.value.ObservableValue<? extends Boolean> o, Boolean was, Boolean now) {
                        if (!now) {
                            controller.runningProperty().removeListener(this);
                            begin(r);
                        }
                    }
                });
                return r;
            }

            private void begin(Request r) {
                Set<Thread> before = trainers();
                controller.start(data, settings);
                r.worker = trainers().stream().filter(t -> !before.contains(t)).findFirst().orElseThrow();
                r.started = System.nanoTime();
                r.heavy = r.started;
            }

            @Override
            public String status(Request r) {
                return controller.statusProperty().get();
            }

            @Override
            public Ending cancel(Request r) {
                controller.stop();
                return () -> {
                    r.worker.join();
                    return System.nanoTime();
                };
            }
        };
    }

    private static Set<Thread> trainers() {
        return threadsNamed("glassbox-trainer");
    }

    /**
     * The live threads of that name, from the thread groups (Thread.getAllStackTraces stops every thread at a
     * safepoint: it held the FX thread up to 0.4 s while a download ran).
     */
    private static Set<Thread> threadsNamed(String name) {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) root = root.getParent();
        Thread[] all = new Thread[root.activeCount() + 64];
        int n = root.enumerate(all, true);
        Set<Thread> out = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            if (all[i].getName().equals(name) && all[i].isAlive()) out.add(all[i]);
        }
        return out;
    }

    /** The head view's SVG export (HeadView.export on the file thread) of a causal 1,024-token pattern. */
    private static Kind export(Path tmp) {
        int n = 1024;
        float[][] w = new float[n][];
        Random rnd = new Random(3);
        for (int i = 0; i < n; i++) {
            w[i] = new float[n];
            float sum = 0;
            for (int j = 0; j <= i; j++) sum += w[i][j] = rnd.nextFloat();
            for (int j = 0; j <= i; j++) w[i][j] /= sum;
        }
        List<String> labels = java.util.stream.IntStream.range(0, n).mapToObj(i -> "t" + i).toList();
        AttentionMatrix matrix = new AttentionMatrix("L0H0", w, labels, labels);
        File file = tmp.resolve("head.svg").toFile();
        return new Kind() {
            @Override
            public String name() { return "export-svg"; }

            @Override
            public int jitterMs() { return 1500; }

            @Override
            public Request start() {
                Request r = new Request();
                r.task = HeadView.export(file, n, (p, rows) -> {
                    r.started = System.nanoTime();
                    r.heavy = r.started;
                    MatrixExport.svg(matrix, Palette.values()[0], ColorScale.values()[0], p, rows);
                });
                return r;
            }

            @Override
            public Ending cancel(Request r) {
                r.task.cancel();
                Task<Long> marker = dev.glassbox.app.service.FileWrites.start("marker", p -> System.nanoTime());
                return () -> marker.get(10, TimeUnit.MINUTES);
            }
        };
    }

    /**
     * Get model… (HubService.pull) of a 128 MB safetensors file from a loopback hub into a temporary cache, a new
     * repository each time (so nothing resumes); {@code stalled}: the hub stops sending half way and the Cancel
     * comes while the read waits.
     */
    private static Kind download(Path tmp, boolean stalled) throws Exception {
        FixtureHub hub = new FixtureHub();
        byte[] weights = new byte[128 << 20];
        new Random(7).nextBytes(weights);
        if (stalled) hub.stallAt = weights.length / 2;
        Path cache = tmp.resolve(stalled ? "hf-stalled" : "hf").resolve("hub");
        HubService service = new HubService(() -> HubEnvironment.of(
                Map.of("HF_ENDPOINT", hub.endpoint(), "HF_HUB_CACHE", cache.toString()), tmp.resolve("home")));
        int[] count = {0};
        return new Kind() {
            @Override
            public String name() { return stalled ? "download-stalled" : "download"; }

            @Override
            public int jitterMs() { return stalled ? 300 : 150; }

            @Override
            public Request start() {
                String repo = "acme/m" + count[0]++;
                Map<String, byte[]> files = new LinkedHashMap<>();
                files.put("config.json", "{\"model_type\":\"llama\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                files.put("tokenizer.json", "{\"model\":{}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                files.put("model.safetensors", weights);
                hub.repos.put(repo, new FixtureHub.Repo("0123456789abcdef0123456789abcdef0123456" + (count[0] % 10),
                        files, Set.of("model.safetensors")));
                Request r = new Request();
                Set<Thread> before = hubThreads();
                r.task = service.pull(RepoRef.parse(repo), null);
                r.worker = hubThreads().stream().filter(t -> !before.contains(t)).findFirst().orElse(null);
                // its work begins with listing the repository (its own thread: it never queues behind another download)
                r.task.messageProperty().addListener((o, a, b) -> {
                    if (r.started == 0) r.started = System.nanoTime();
                });
                r.task.progressProperty().addListener((o, a, b) -> {
                    if (r.heavy == 0 && b.doubleValue() > (stalled ? 0.45 : 0)) r.heavy = System.nanoTime();
                });
                return r;
            }

            @Override
            public Ending cancel(Request r) {
                r.task.cancel();
                return () -> {
                    r.worker.join();
                    return System.nanoTime();
                };
            }
        };
    }

    private static Set<Thread> hubThreads() {
        return threadsNamed("glassbox-hub");
    }
}
