package dev.glassbox.app.ui;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.GarbageCollectionNotificationInfo;

import dev.glassbox.app.service.DisplayPreference;
import dev.glassbox.app.service.ExploreSession;
import dev.glassbox.app.service.LanguagePreference;
import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.app.service.RecentModels;
import dev.glassbox.engine.io.Json;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.KernelWarmUp;

/**
 * Acceptance benchmark of issue #23 ("fluid under load"), not a test: drives the real main window, opens a model as
 * "Open model" does, opens the first head of the grid (so grid, head view and chips are all live), warms up, then
 * generates {@code tokens} tokens and reports
 * <ul>
 * <li>the app's tokens/s (the run's own figure, as the status line shows it) against {@code glassbox bench}'s decode
 * with every attention pattern captured, on the same model, threads and steps. <b>Like with like:</b> bench runs in
 * a fresh JVM of its own (same java, JVM options and class path as this one), and each side's measured run follows
 * the same warm-up: the app's JVM runs the kernel warm-up the app runs when its window is up ({@code KernelWarmUp},
 * waited for here), a 32-token generation, opens the first head, and then an untimed generation of {@code warm-up}
 * tokens (default: {@code tokens}) with the same views live as the measured one; bench decodes
 * {@code tokens} tokens without capture before its timed run with capture (its {@code --warmup 0} still times a
 * plain decode first). So neither side is measured in a JVM the other one compiled;</li>
 * <li>frame gaps (time between pulse starts, kept going by an AnimationTimer: 16.7 ms when fluid) over 20/50/100 ms,
 * and the FX thread's work per pulse (animation start to the end of layout) over 16/50/100 ms, worst of each;</li>
 * <li>GC pauses during the run (max, p99, count over 50 ms and total, from GarbageCollectorMXBean notifications,
 * G1's remark and cleanup pauses included, ZGC's concurrent cycles not), the bytes the JVM's threads allocated a
 * token, the peak RSS (VmHWM) of the app's JVM, and the CPU seconds of each group of threads during the run.</li>
 * </ul>
 * With {@code -DliveRun.appOnly=true} only the app's run is measured (no workspace openings, no bench): for A/B runs.
 * Otherwise bench runs {@code -DliveRun.rounds} times (default 3), each after one more generation of the app's (the
 * first is the measured run), and the ratio is printed of the medians and by round, with each side's spread.
 * Run (headless; Xvfb works too without the three glass/prism flags):
 * <pre>
 * ./glassbox make-random --shape stories110M --out /tmp/m/s110m.bin &amp;&amp; cp tokenizer.bin /tmp/m/   # llama2.c's
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g \
 *     -Dglass.platform=Headless -Dprism.order=sw -Djava.awt.headless=true \
 *     -cp target/test-classes:target/classes:$(cat target/test.cp) dev.glassbox.app.ui.LiveRunBenchmark /tmp/m/s110m.bin 500 [WARM-UP]
 * </pre>
 */
public final class LiveRunBenchmark {
    /** As the app does once its window is up ({@code GlassboxApp.warmKernels}, which also installs {@code ViewJit}). */
    private static final long KERNEL_WARM_UP_MILLIS = 1500;

    private LiveRunBenchmark() {
    }

    /** Pulse timings on the FX thread while a run goes on. */
    private static final class PulseClock extends AnimationTimer {
        final List<Double> gapsMs = new ArrayList<>();
        final List<Double> workMs = new ArrayList<>();
        /** The FX thread's CPU time in each pulse's work: what the load does not inflate (a busy machine stretches workMs). */
        final List<Double> workCpuMs = new ArrayList<>();
        private final java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        private long pulseStart;
        private long pulseStartCpu;
        private long previous;
        volatile boolean recording;

        @Override
        public void handle(long now) {
            long t = System.nanoTime();
            if (recording && previous != 0) {
                gapsMs.add((t - previous) / 1e6);
            }
            previous = t;
            pulseStart = t;
            pulseStartCpu = mx.getCurrentThreadCpuTime();
        }

        void afterLayout() {
            if (recording && pulseStart != 0) {
                workMs.add((System.nanoTime() - pulseStart) / 1e6);
                workCpuMs.add((mx.getCurrentThreadCpuTime() - pulseStartCpu) / 1e6);
            }
            pulseStart = 0;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: LiveRunBenchmark MODEL [TOKENS [WARM-UP-TOKENS]]");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : tokens;
        if (!Files.isRegularFile(model)) {
            System.err.println(model + ": no such model file");
            System.exit(2);
        }
        CountDownLatch up = new CountDownLatch(1);
        Platform.startup(up::countDown);
        up.await();
        Preferences prefs = Preferences.userRoot().node("dev/glassbox/bench-" + UUID.randomUUID());
        try {
            run(model, tokens, warmUp, prefs);
        } finally {
            prefs.removeNode();
            Platform.exit();
        }
    }

    private static void run(Path model, int tokens, int warmUp, Preferences prefs) throws Exception {
        PulseClock clock = new PulseClock();
        MainWindow window = onFx(() -> {
            MainWindow w = new MainWindow(new ModelCatalog(List.of()), new RecentModels(prefs),
                    new LanguagePreference(prefs), new DisplayPreference(prefs));
            Stage stage = new Stage();
            Scene scene = new Scene(w, 1280, 720);
            scene.addPostLayoutPulseListener(clock::afterLayout);
            stage.setScene(scene);
            stage.show();
            clock.start();
            return w;
        });
        ExploreSession session = window.session();
        CompletableFuture<LoadedModel> loaded = new CompletableFuture<>();
        Platform.runLater(() -> {
            session.modelProperty().addListener((o, a, m) -> {
                if (m != null) {
                    loaded.complete(m);
                }
            });
            session.openModel(model);
        });
        LoadedModel m = loaded.get(10, TimeUnit.MINUTES);
        onFx(() -> {
            session.sampling().temperatureProperty().set(0.0); // greedy, as bench decodes
            window.explorer.grid.select(0, 0);
            return null;
        });
        System.out.println("JavaFX's code kept out of C2 (ViewJit, -Dglassbox.viewJit): " + dev.glassbox.app.service.ViewJit.install());
        KernelWarmUp.run(KERNEL_WARM_UP_MILLIS);
        // a short run makes the grid's cells; the first head is opened after it and before the warm-up proper, so
        // the warm-up runs every view the measured run runs (the head view's canvas code was compiled in the
        // measured run before: ~380 methods compiled for the first time during it)
        generate(window, Math.min(warmUp, 32), () -> { });
        onFx(() -> { // open the first head, so the head view follows the live frames as well
            var cell = window.explorer.grid.rows().getFirst().cells().getFirst();
            window.explorer.grid.fireEvent(new javafx.scene.input.KeyEvent(javafx.scene.input.KeyEvent.KEY_PRESSED, "", "",
                    javafx.scene.input.KeyCode.ENTER, false, false, false, false));
            return cell;
        });
        generate(window, warmUp, () -> { });

        // the workspaces the app makes ahead after a run (one per idle second) are made before the measured run
        // (-DliveRun.prebuilt=false: not waited for, so the run goes on with the hidden workspaces not yet made)
        long waitFrom = System.nanoTime();
        List<Lazy<?>> lazies = List.of(window.heads, window.context, window.routing, window.train);
        while (Boolean.parseBoolean(System.getProperty("liveRun.prebuilt", "true"))
                && !onFx(() -> lazies.stream().allMatch(Lazy::isMade)) && System.nanoTime() - waitFrom < 120_000_000_000L) {
            Thread.sleep(200);
        }
        System.out.printf(Locale.ROOT, "workspaces made ahead while idle: %s (waited %.1f s)%n",
                onFx(() -> lazies.stream().allMatch(Lazy::isMade)), (System.nanoTime() - waitFrom) / 1e9);
        System.out.println("scene nodes (each pulse's bounds pass visits every one): " + onFx(() -> nodeCounts(window)));
        uptime("load before the run");
        GcPauses gc = GcPauses.listen();
        long allocatedAtStart = allocatedBytes();
        ThreadCpu cpu = ThreadCpu.now();
        NativeThreadCpu nativeCpu = NativeThreadCpu.now();
        long jitMsAtStart = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        clock.recording = true;
        long t0 = System.nanoTime();
        String[] cpuToRunEnd = new String[1];
        String[] nativeToRunEnd = new String[1];
        double appTps = generate(window, tokens, () -> {
            cpuToRunEnd[0] = cpu.sharesSince(tokens);
            nativeToRunEnd[0] = nativeCpu.sharesSince(tokens) + String.format(Locale.ROOT,
                    "| JIT compiling during the run: %d ms", ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitMsAtStart);
        });
        double wall = (System.nanoTime() - t0) / 1e9;
        clock.recording = false;
        String cpuShares = cpu.sharesSince(tokens);
        gc.stop();
        long allocated = allocatedBytes() - allocatedAtStart;
        double rssMb = peakRssMb();
        uptime("load after the run");
        int shownTokens = onFx(() -> window.prompt.chips.getChildren().size());
        List<Double> gaps = onFx(() -> List.copyOf(clock.gapsMs));
        List<Double> work = onFx(() -> List.copyOf(clock.workMs));

        boolean appOnly = Boolean.getBoolean("liveRun.appOnly"); // A/B runs of the app alone: no tabs, no bench
        // the first opening of each workspace (made ahead, out of the scene until then), and back to Explore: worst
        // frame gap and pulse of each
        for (int tab : appOnly ? new int[0] : new int[] {1, 2, 3, 4, 0}) {
            int t = tab;
            onFx(() -> {
                clock.gapsMs.clear();
                clock.workMs.clear();
                clock.workCpuMs.clear();
                clock.recording = true;
                window.selectWorkspace(t);
                return null;
            });
            Thread.sleep(1500);
            double[] worst = onFx(() -> {
                clock.recording = false;
                return new double[] {max(clock.gapsMs), max(clock.workMs), max(clock.workCpuMs)};
            });
            System.out.printf(Locale.ROOT, "%s %s: worst frame gap %.0f ms, worst pulse work %.0f ms (FX thread CPU %.0f ms)%n",
                    t == 0 ? "back to" : "first opening of", onFx(() -> window.workspaces.getTabs().get(t).getId()), worst[0],
                    worst[1], worst[2]);
        }
        onFx(() -> {
            window.selectWorkspace(0);
            return null;
        });

        // bench's with-attention figure swung 63-87 tok/s between quiet runs (round 5): it is measured in several
        // rounds, each closely after one more generation of the app's, and the ratio is of the medians
        int rounds = appOnly ? 0 : Integer.getInteger("liveRun.rounds", 3);
        List<Double> appRuns = new ArrayList<>(List.of(appTps));
        List<Double> benchPlainRuns = new ArrayList<>();
        List<Double> benchAttnRuns = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            if (round > 1) {
                appRuns.add(generate(window, tokens, () -> { }));
            }
            uptime("load before bench " + round);
            JsonNode bench = benchInFreshJvm(model, tokens);
            benchPlainRuns.add(bench == null ? Double.NaN : bench.get("decode_tokens_per_s").asDouble());
            benchAttnRuns.add(bench == null ? Double.NaN : bench.get("decode_tokens_per_s_with_attention").asDouble());
            System.out.printf(Locale.ROOT, "round %d: app %.1f tok/s, bench with attention %.1f tok/s (%.0f %%)%n", round,
                    appRuns.get(round - 1), benchAttnRuns.get(round - 1), 100 * appRuns.get(round - 1) / benchAttnRuns.get(round - 1));
        }
        double benchPlain = median(benchPlainRuns);
        double benchAttn = median(benchAttnRuns);

        System.out.printf(Locale.ROOT, "model %s (%d layers x %d heads), %d tokens generated in the app (%d chips shown) after a warm-up of %d,"
                + " %.1f s wall%n", model.getFileName(), m.config().layers(), m.config().heads(), tokens, shownTokens, warmUp, wall);
        System.out.printf(Locale.ROOT, "app: %.1f tok/s | bench (fresh JVM, median) decode: %.1f tok/s, with attention captured:"
                + " %.1f tok/s | app / bench-with-attention: %.0f %%%n", appTps, benchPlain, benchAttn, 100 * appTps / benchAttn);
        if (rounds > 0) {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                ratios.add(100 * appRuns.get(i) / benchAttnRuns.get(i));
            }
            System.out.printf(Locale.ROOT, "over %d alternated rounds (median, min-max): app %.1f tok/s (%s) | bench with attention"
                    + " %.1f tok/s (%s), decode %.1f (%s) | app / bench-with-attention of the medians %.0f %%, by round %s %%%n",
                    rounds, median(appRuns), spread(appRuns, "%.1f"), benchAttn, spread(benchAttnRuns, "%.1f"), benchPlain,
                    spread(benchPlainRuns, "%.1f"), 100 * median(appRuns) / benchAttn, spread(ratios, "%.0f"));
        }
        System.out.printf(Locale.ROOT, "frame gaps: %d pulses, over 20/50/100 ms: %d/%d/%d, worst %.0f ms%n", gaps.size(),
                over(gaps, 20), over(gaps, 50), over(gaps, 100), max(gaps));
        System.out.printf(Locale.ROOT, "pulse work (animation to end of layout): over 16/50/100 ms: %d/%d/%d, worst %.0f ms%n",
                over(work, 16), over(work, 50), over(work, 100), max(work));
        System.out.printf(Locale.ROOT, "GC pauses during the run: %d, max %.0f ms, total %.0f ms | peak RSS %.0f MB%n",
                gc.count(), gc.maxMs(), gc.totalMs(), rssMb);
        System.out.printf(Locale.ROOT, "GC pauses (G1's remark and cleanup included): p99 %.0f ms, over 50 ms: %d, by collector: %s"
                + " | allocated during the run (the JVM's threads): %.2f MiB a token%n",
                gc.p99Ms(), gc.over(50), gc.byCollector(), allocated / 1048576.0 / tokens);
        System.out.println("CPU to the run's end (load-independent: what the views take from the engine): " + cpuToRunEnd[0]);
        System.out.println("CPU to the finished run's views (its logit lens included): " + cpuShares);
        System.out.println("CPU to the run's end by the OS's threads (JVM threads too), ms a token: " + nativeToRunEnd[0]);
    }

    /**
     * {@code glassbox bench --json} on {@code model} in a new JVM with this one's java, JVM options (a flight
     * recording's excepted) and class path; its JSON, or null when it failed.
     */
    private static JsonNode benchInFreshJvm(Path model, int tokens) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-XX:StartFlightRecording") && !a.startsWith("-XX:FlightRecorderOptions")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.glassbox.app.Main", "bench",
                "--model", model.toString(), "--steps", Integer.toString(tokens),
                "--threads", Integer.toString(Runtime.getRuntime().availableProcessors()), "--warmup", "0", "--json"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            System.err.println("bench failed: " + out);
            return null;
        }
        return Json.MAPPER.readTree(out.substring(out.indexOf('{')));
    }

    private static void uptime(String what) throws java.io.IOException {
        Path load = Path.of("/proc/loadavg");
        if (Files.isReadable(load)) {
            System.out.println(java.time.LocalTime.now().withNano(0) + " " + what + ": " + Files.readString(load).strip());
        }
    }

    /**
     * CPU seconds of the process's threads during the run, grouped as engine (the engine thread and its matrix
     * pool), view builder, FX thread, renderer, and the rest of the process (GC, JIT, other threads).
     */
    private record ThreadCpu(java.util.Map<Long, Long> byThread, long process) {
        static ThreadCpu now() {
            var mx = ManagementFactory.getThreadMXBean();
            java.util.Map<Long, Long> m = new java.util.HashMap<>();
            for (long id : mx.getAllThreadIds()) {
                m.put(id, Math.max(0, mx.getThreadCpuTime(id)));
            }
            return new ThreadCpu(m, processCpu());
        }

        private static long processCpu() {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : -1;
        }

        String sharesSince(int tokens) {
            var mx = ManagementFactory.getThreadMXBean();
            java.util.Map<String, Double> groups = new java.util.LinkedHashMap<>();
            for (String g : List.of("engine", "view builder", "FX", "renderer", "grid thumbnails", "other threads")) {
                groups.put(g, 0.0);
            }
            double threads = 0;
            for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
                if (info == null) continue;
                long t = mx.getThreadCpuTime(info.getThreadId());
                if (t < 0) continue;
                double s = (t - byThread.getOrDefault(info.getThreadId(), 0L)) / 1e9;
                String n = info.getThreadName();
                String g = n.equals("glassbox-engine") || n.startsWith("glassbox-parallel") ? "engine"
                        : n.equals("glassbox-view-builder") ? "view builder"
                        : n.equals("JavaFX Application Thread") ? "FX"
                        : n.startsWith("QuantumRenderer") || n.startsWith("Prism") ? "renderer"
                        : n.equals("attention-grid-thumbnails") ? "grid thumbnails" : "other threads";
                groups.merge(g, s, Double::sum);
                threads += s;
            }
            double all = (processCpu() - process) / 1e9;
            groups.put("GC, JIT, rest", Math.max(0, all - threads));
            StringBuilder out = new StringBuilder();
            groups.forEach((g, s) -> out.append(String.format(Locale.ROOT, "%s %.1f s, ", g, s)));
            double views = groups.get("view builder") + groups.get("FX") + groups.get("renderer") + groups.get("grid thumbnails");
            out.append(String.format(Locale.ROOT, "process %.1f s; engine %.0f %%, views (builder, FX, renderer, thumbnails)"
                    + " %.0f %% of it; per token: engine %.1f ms, views %.1f ms, process %.1f ms",
                    all, 100 * groups.get("engine") / all, 100 * views / all,
                    1e3 * groups.get("engine") / tokens, 1e3 * views / tokens, 1e3 * all / tokens));
            return out.toString();
        }
    }

    /**
     * CPU time of every thread of the process as Linux counts it ({@code /proc/self/task/TID/schedstat}, ns on a CPU),
     * grouped by the thread's OS name: so the JVM's own threads, which {@code ThreadMXBean} does not list (G1's
     * workers, concurrent and refinement threads, the JIT's compiler threads), are told apart. Empty without /proc.
     */
    private record NativeThreadCpu(java.util.Map<Integer, Long> byTid, java.util.Map<Integer, String> names) {
        static NativeThreadCpu now() {
            java.util.Map<Integer, Long> ns = new java.util.HashMap<>();
            java.util.Map<Integer, String> names = new java.util.HashMap<>();
            Path tasks = Path.of("/proc/self/task");
            if (!Files.isDirectory(tasks)) {
                return new NativeThreadCpu(ns, names);
            }
            try (var dirs = Files.list(tasks)) {
                for (Path d : (Iterable<Path>) dirs::iterator) {
                    try {
                        int tid = Integer.parseInt(d.getFileName().toString());
                        long t = Long.parseLong(Files.readString(d.resolve("schedstat")).trim().split("\\s+")[0]);
                        ns.put(tid, t);
                        names.put(tid, Files.readString(d.resolve("comm")).strip());
                    } catch (java.io.IOException | RuntimeException gone) {
                        // the thread ended meanwhile
                    }
                }
            } catch (java.io.IOException e) {
                // no figures
            }
            return new NativeThreadCpu(ns, names);
        }

        private static String group(String n) {
            if (n.startsWith("GC Thread") || n.startsWith("G1 ") || n.startsWith("ZWorker") || n.startsWith("ZDirector")
                    || n.startsWith("Z") && n.length() > 1 && Character.isUpperCase(n.charAt(1))) {
                return n.startsWith("GC Thread") ? "GC workers" : "GC other (" + n.replaceAll("#?\\d+$", "") + ")";
            }
            if (n.startsWith("C2 Compiler")) return "C2";
            if (n.startsWith("C1 Compiler")) return "C1";
            if (n.startsWith("glassbox-engin") || n.startsWith("glassbox-paral")) return "engine";
            return n.replaceAll("[-#]?\\d+$", "");
        }

        String sharesSince(int tokens) {
            NativeThreadCpu end = now();
            java.util.Map<String, Double> groups = new java.util.TreeMap<>();
            end.byTid.forEach((tid, t) -> groups.merge(group(end.names.get(tid)), (t - byTid.getOrDefault(tid, 0L)) / 1e6 / tokens,
                    Double::sum));
            StringBuilder out = new StringBuilder();
            groups.entrySet().stream().filter(e -> e.getValue() >= 0.05)
                    .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .forEach(e -> out.append(String.format(Locale.ROOT, "%s %.2f, ", e.getKey(), e.getValue())));
            return out.toString();
        }
    }

    /**
     * Generates {@code n} tokens from the prompt and waits until the finished run's views are shown; its tokens/s.
     * {@code atRunEnd} runs on the FX thread when the run's task has ended (before the finished run's views are built).
     */
    private static double generate(MainWindow window, int n, Runnable atRunEnd) throws Exception {
        CompletableFuture<Double> done = new CompletableFuture<>();
        Platform.runLater(() -> {
            ExploreSession s = window.session();
            s.busyProperty().addListener(new javafx.beans.value.ChangeListener<>() {
                @Override
                public void changed(javafx.beans.value.ObservableValue<? extends Boolean> o, Boolean a, Boolean busy) {
                    if (!busy) {
                        o.removeListener(this);
                        atRunEnd.run();
                    }
                }
            });
            int before = s.runsShownProperty().get();
            s.sampling().stepsProperty().set(n);
            s.runsShownProperty().addListener(new javafx.beans.value.ChangeListener<>() {
                @Override
                public void changed(javafx.beans.value.ObservableValue<? extends Number> o, Number a, Number b) {
                    if (b.intValue() > before) {
                        o.removeListener(this);
                        done.complete(s.lastRunProperty().get().tokensPerSecond());
                    }
                }
            });
            s.generate();
        });
        return done.get(30, TimeUnit.MINUTES);
    }

    /** The nodes in the window's scene, and how many of them are each workspace tab's content and the prompt's chips. */
    private static String nodeCounts(MainWindow window) {
        StringBuilder out = new StringBuilder("all " + nodes(window.getScene().getRoot()));
        for (var tab : window.workspaces.getTabs()) {
            out.append(", ").append(tab.getId()).append(' ').append(tab.getContent() == null ? 0 : nodes(tab.getContent()));
        }
        out.append(", chips ").append(nodes(window.prompt.chips)).append(" | made but out of the scene:");
        for (Lazy<? extends javafx.scene.Node> l : List.of(window.heads, window.context, window.routing, window.train, window.search,
                window.walkthrough)) {
            l.ifMade(n -> {
                if (n.getScene() == null) {
                    out.append(' ').append(n.getClass().getSimpleName()).append(' ').append(nodes(n));
                }
            });
        }
        return out.toString();
    }

    private static int nodes(javafx.scene.Node n) {
        int count = 1;
        if (n instanceof javafx.scene.Parent p) {
            for (javafx.scene.Node c : p.getChildrenUnmodifiable()) {
                count += nodes(c);
            }
        }
        return count;
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = v.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** "min-max" of {@code v} in {@code format}. */
    private static String spread(List<Double> v, String format) {
        double lo = v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double hi = v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, format + "-" + format, lo, hi);
    }

    private static long over(List<Double> ms, double limit) {
        return ms.stream().filter(v -> v > limit).count();
    }

    private static double max(List<Double> ms) {
        return ms.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> c) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(c.call());
            } catch (Exception | Error e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(5, TimeUnit.MINUTES);
    }

    /** Bytes allocated so far by the JVM's live threads (-1 where the JVM does not count them). */
    private static long allocatedBytes() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx)) {
            return -1;
        }
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /** VmHWM from /proc/self/status in MB (-1 without /proc). */
    private static double peakRssMb() throws java.io.IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) / 1024.0;
            }
        }
        return -1;
    }

    /** Stop-the-world pauses reported while listening (concurrent cycles are not pauses). */
    private static final class GcPauses {
        private final List<Double> pausesMs = java.util.Collections.synchronizedList(new ArrayList<>());
        private final java.util.Map<String, Integer> names = new java.util.concurrent.ConcurrentSkipListMap<>();
        private final List<NotificationEmitter> emitters = new ArrayList<>();
        private final NotificationListener listener = (n, hb) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                // G1's "G1 Concurrent GC" collector reports the Remark and Cleanup pauses (JDK 20+); ZGC's "Cycles"
                // collectors are its concurrent cycles, not pauses
                if (!info.getGcName().endsWith("Cycles")) {
                    pausesMs.add((double) info.getGcInfo().getDuration());
                    names.merge(info.getGcName(), 1, Integer::sum);
                }
            }
        };

        static GcPauses listen() {
            GcPauses p = new GcPauses();
            for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (b instanceof NotificationEmitter e) {
                    e.addNotificationListener(p.listener, null, null);
                    p.emitters.add(e);
                }
            }
            return p;
        }

        void stop() throws Exception {
            for (NotificationEmitter e : emitters) {
                e.removeNotificationListener(listener);
            }
        }

        int count() { return pausesMs.size(); }

        double maxMs() { return pausesMs.stream().mapToDouble(Double::doubleValue).max().orElse(0); }

        double totalMs() { return pausesMs.stream().mapToDouble(Double::doubleValue).sum(); }

        /** The 99th percentile (nearest rank) of the pauses. */
        double p99Ms() {
            double[] sorted = pausesMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return sorted.length == 0 ? 0 : sorted[(int) Math.ceil(0.99 * sorted.length) - 1];
        }

        long over(double ms) { return pausesMs.stream().filter(p -> p > ms).count(); }

        String byCollector() { return names.toString(); }
    }
}
