package dev.glassbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No engine computation (tokenising, a forward pass, an analysis loop) on the FX thread: code of the UI layers
 * (app.ui and visuals) must not reach it by direct calls, followed through every method of the app and the
 * visuals (app.service included: ExploreSession.generate used to tokenise the prompt there).
 * <p>
 * What the class files can show and what they cannot: a lambda body compiles to its own method, and whether it
 * runs on the FX thread (an event handler) or off it (work handed to {@code launch}, {@code AnalysisService}, a
 * thread) is decided where it is passed, which bytecode does not record. So the rule trusts lambda bodies and the
 * methods only lambda bodies call, and checks everything else the UI runs: every other method of a UI class
 * (handlers referenced as {@code this::method}, overrides the framework calls, constructors) and everything those
 * call. A handler lambda that calls the engine itself is outside its reach; one that calls a method is not.
 * ArchUnit attributes a lambda's calls to the method declaring it, which would blur exactly this line, so the rule
 * reads the class files with the JDK's {@code java.lang.classfile}. Engine computation is named below; the second
 * test shows those calls are seen, so the rule cannot pass vacuously.
 * <p>
 * Writing files counts as engine work too (an export or a session save waits on the disk): a call of the JDK's
 * file writers or of the project's atomic writer, or of any engine method that reaches one (followed through the
 * engine's own methods, so a new writer is found without being named here); so does reading a file or listing a
 * folder (a session, a model folder's config, a models folder's DEFAULT marker, a checkpoint folder's check).
 * Asking whether a path exists or is a folder is not counted (one metadata look-up). A call of an interface or
 * abstract method is followed into each of the project's implementations; a {@code Task}'s {@code call} runs on its
 * own thread and is trusted like a lambda body.
 */
class FxThreadEngineWorkTest {
    /** Engine methods that compute, by package (any owner) or by owner. */
    private static final Map<String, Set<String>> BY_PACKAGE = Map.of(
            "dev/glassbox/engine/model", Set.of("forward", "forwardFrom", "prefill", "encode", "encodeFrom",
                    "encodeFromHeads", "generate", "run", "resumeFromHeads", "logitsAt"),
            "dev/glassbox/engine/analysis/walkthrough", Set.of("run", "trace"),
            "dev/glassbox/engine/context", Set.of("run", "greedy"),
            "dev/glassbox/engine/train", Set.of("run"));
    private static final Set<String> BY_OWNER = Set.of("HeadAnalysis.analyse", "HeadAnalysis.weightTables",
            "HeadAblation.ablate", "HeadAblation.ablateFrom", "HeadAblation.allHeads", "CapturedRun.of",
            "RunOutcome.of", "EncoderHeads.capture", "EncoderHeads.change", "EncoderHeads.allHeads",
            "Perplexity.score", "LogitLens.of", "TokenSurprisal.of", "RouteSampler.sample", "LayerSkipScan.run",
            "ExpertRoutes.trace");

    /** Where bytes go to disk: the project's atomic writer and the JDK's own writers. */
    private static final Map<String, Set<String>> FILE_WRITERS = Map.of(
            "dev/glassbox/engine/io/AtomicFile", Set.of("create", "write", "writeString"),
            "java/nio/file/Files", Set.of("write", "writeString", "newOutputStream", "newBufferedWriter"));

    /** Where bytes come from disk: the JDK's readers and folder listings, and the session file's reader. */
    private static final Map<String, Set<String>> FILE_READERS = Map.of(
            "java/nio/file/Files", Set.of("readString", "readAllBytes", "readAllLines", "lines", "newInputStream",
                    "newBufferedReader", "list", "walk", "find", "newDirectoryStream"),
            "dev/glassbox/app/service/SessionFiles", Set.of("read"));

    /** A method: owner's internal name, name and descriptor. */
    private record Method(String owner, String name, String type) {
        boolean lambda() { return name.startsWith("lambda$"); }

        String shortName() { return owner.substring(owner.lastIndexOf('/') + 1) + "." + name; }
    }

    private record Call(Method target, int line) {
    }

    private static final Map<Method, List<Call>> CALLS = new HashMap<>();
    private static final Map<Method, List<Method>> CALLERS = new HashMap<>();
    private static final Map<String, String> SUPER = new HashMap<>();
    /** The project's classes and interfaces directly below each class or interface (to follow interface calls). */
    private static final Map<String, List<String>> BELOW = new HashMap<>();
    /** Methods without code (abstract, interface methods): a call of one may run any implementation. */
    private static final Set<Method> ABSTRACT = new HashSet<>();
    private final Map<Method, String> memo = new HashMap<>();
    private final Map<Method, Boolean> writes = new HashMap<>();
    private final Map<Method, Boolean> reads = new HashMap<>();

    @BeforeAll
    static void read() throws IOException, URISyntaxException {
        Path root = Path.of(FxThreadEngineWorkTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolveSibling("classes");
        try (Stream<Path> files = Files.walk(root.resolve("dev/glassbox"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                ClassModel cm = ClassFile.of().parse(f);
                String owner = cm.thisClass().asInternalName();
                cm.superclass().ifPresent(s -> SUPER.put(owner, s.asInternalName()));
                cm.superclass().ifPresent(s -> BELOW.computeIfAbsent(s.asInternalName(), k -> new ArrayList<>()).add(owner));
                cm.interfaces().forEach(i -> BELOW.computeIfAbsent(i.asInternalName(), k -> new ArrayList<>()).add(owner));
                for (MethodModel m : cm.methods()) {
                    Method self = new Method(owner, m.methodName().stringValue(), m.methodType().stringValue());
                    List<Call> calls = new ArrayList<>();
                    m.code().ifPresent(code -> {
                        int[] line = {-1};
                        code.forEach(e -> {
                            if (e instanceof java.lang.classfile.instruction.LineNumber ln) {
                                line[0] = ln.line();
                            } else if (e instanceof InvokeInstruction i) {
                                calls.add(new Call(new Method(i.owner().asInternalName(), i.name().stringValue(),
                                        i.type().stringValue()), line[0]));
                            }
                        });
                    });
                    CALLS.put(self, calls);
                    if (m.code().isEmpty()) ABSTRACT.add(self);
                }
            }
        }
        for (var e : CALLS.entrySet()) {
            for (Call c : e.getValue()) {
                Method t = resolve(c.target());
                if (t != null) CALLERS.computeIfAbsent(t, k -> new ArrayList<>()).add(e.getKey());
            }
        }
        assertTrue(CALLS.keySet().stream().anyMatch(m -> m.owner().startsWith("dev/glassbox/app/ui/")), "read " + root);
    }

    /** The method a call runs, looked up the superclasses (null: outside the project's classes). */
    private static Method resolve(Method target) {
        for (String owner = target.owner(); owner != null; owner = SUPER.get(owner)) {
            Method m = new Method(owner, target.name(), target.type());
            if (CALLS.containsKey(m)) return m;
        }
        return null;
    }

    static boolean computes(Method target) {
        String owner = target.owner();
        int slash = owner.lastIndexOf('/');
        if (slash < 0) return false; // an array's clone()
        String pkg = owner.substring(0, slash);
        if (pkg.equals("dev/glassbox/engine/tokenizer")) {
            return target.name().startsWith("encode");
        }
        Set<String> names = BY_PACKAGE.get(pkg);
        return names != null && names.contains(target.name())
                || pkg.startsWith("dev/glassbox/engine/") && BY_OWNER.contains(target.shortName());
    }

    private static boolean inUi(String owner) {
        return owner.startsWith("dev/glassbox/app/ui/") || owner.startsWith("dev/glassbox/visuals/");
    }

    private static boolean followed(String owner) {
        return owner.startsWith("dev/glassbox/app/") || owner.startsWith("dev/glassbox/visuals/");
    }

    boolean writesFiles(Method target) {
        return reaches(target, FILE_WRITERS, writes);
    }

    boolean readsFiles(Method target) {
        return reaches(target, FILE_READERS, reads);
    }

    boolean usesFiles(Method target) {
        return writesFiles(target) || readsFiles(target);
    }

    /** One of {@code sinks} itself, or an engine method that calls one (through engine methods, lambda bodies included). */
    private static boolean reaches(Method target, Map<String, Set<String>> sinks, Map<Method, Boolean> memo) {
        if (sinks.getOrDefault(target.owner(), Set.of()).contains(target.name())) return true;
        if (!target.owner().startsWith("dev/glassbox/engine/")) return false;
        Method m = resolve(target);
        if (m == null) return false;
        if (memo.containsKey(m)) return memo.get(m);
        memo.put(m, false); // a cycle reaches nothing new
        boolean found = CALLS.getOrDefault(m, List.of()).stream().anyMatch(c -> reaches(c.target(), sinks, memo));
        memo.put(m, found);
        return found;
    }

    /** The chain of calls from {@code m} to engine computation or file writing, or null when it reaches none. */
    private String pathToComputation(Method m) {
        if (memo.containsKey(m)) return memo.get(m);
        memo.put(m, null); // a cycle reaches nothing new
        String found = null;
        for (Method impl : implementations(m)) {
            String below = pathToComputation(impl);
            if (below != null) {
                found = impl.shortName() + " -> " + below;
                break;
            }
        }
        for (Call c : CALLS.getOrDefault(m, List.of())) {
            if (found != null) break;
            if (computes(c.target()) || usesFiles(c.target())) {
                found = c.target().shortName() + " (line " + c.line() + ")";
                break;
            }
            Method t = followed(c.target().owner()) ? resolve(c.target()) : null;
            String below = t == null || t.lambda() ? null : pathToComputation(t);
            if (below != null) {
                found = t.shortName() + " -> " + below;
                break;
            }
        }
        memo.put(m, found);
        return found;
    }

    /** The project's implementations of an abstract or interface method {@code m} (none when {@code m} has code). */
    private static List<Method> implementations(Method m) {
        if (!ABSTRACT.contains(m)) return List.of();
        List<Method> out = new ArrayList<>();
        List<String> owners = new ArrayList<>(BELOW.getOrDefault(m.owner(), List.of()));
        for (int i = 0; i < owners.size(); i++) {
            Method impl = new Method(owners.get(i), m.name(), m.type());
            if (CALLS.containsKey(impl) && !ABSTRACT.contains(impl)) out.add(impl);
            BELOW.getOrDefault(owners.get(i), List.of()).stream().filter(o -> !owners.contains(o)).forEach(owners::add);
        }
        return out;
    }

    /** A {@code Task}'s {@code call}: JavaFX runs it on the task's own thread, never on the FX thread. */
    private static boolean taskBody(Method m) {
        if (!m.name().equals("call")) return false;
        for (String owner = SUPER.get(m.owner()); owner != null; owner = SUPER.get(owner)) {
            if (owner.equals("javafx/concurrent/Task")) return true;
        }
        return false;
    }

    @Test
    void uiCodeReachesNoEngineComputationOutsideLambdaBodies() {
        List<String> violations = new ArrayList<>();
        for (Method m : CALLS.keySet()) {
            if (!inUi(m.owner()) || m.lambda() || taskBody(m)) continue;
            List<Method> callers = CALLERS.getOrDefault(m, List.of());
            if (!callers.isEmpty() && callers.stream().allMatch(Method::lambda)) continue; // runs where they do
            String path = pathToComputation(m);
            if (path != null) violations.add(m.shortName() + " -> " + path);
        }
        violations.sort(null);
        assertTrue(violations.isEmpty(), "engine work reachable from the FX thread (hand it to the task's lambda):\n  "
                + String.join("\n  ", violations));
    }

    @Test
    void theRuleSeesTheFileWritesTheUiHandsOff() {
        // exports and the session save write in lambda bodies handed to FileWrites: the rule must see them as writes
        Set<String> writing = new HashSet<>();
        CALLS.forEach((m, calls) -> {
            if (inUi(m.owner()) && m.lambda() && calls.stream().anyMatch(c -> writesFiles(c.target())
                    || viaApp(c.target(), this::writesFiles, new HashSet<>()))) {
                writing.add(simpleName(m));
            }
        });
        assertTrue(writing.containsAll(Set.of("HeadsWorkspace", "MainWindow", "HeadView")), "UI lambdas that write files: " + writing);
    }

    @Test
    void theRuleSeesTheFileReadsHandedOff() {
        // a dropped path is told (its config read) and a checkpoint folder checked (listed) in lambdas handed to the
        // file thread; the catalog's DEFAULT marker is read where the catalog is made: the rule must see them as reads
        Set<String> reading = new HashSet<>();
        CALLS.forEach((m, calls) -> {
            if (followed(m.owner()) && calls.stream().anyMatch(c -> readsFiles(c.target())
                    || viaApp(c.target(), this::readsFiles, new HashSet<>()))) {
                reading.add(simpleName(m));
            }
        });
        assertTrue(reading.containsAll(Set.of("MainWindow", "CheckpointSave", "ModelCatalog", "OpenTarget")),
                "app methods that read files: " + reading);
    }

    private static String simpleName(Method m) {
        return m.owner().substring(m.owner().lastIndexOf('/') + 1);
    }

    /** An app or visuals method whose calls reach {@code sink} (SessionFiles.write, MatrixExport.csv, OpenTarget.of). */
    private boolean viaApp(Method target, java.util.function.Predicate<Method> sink, Set<Method> seen) {
        Method t = followed(target.owner()) ? resolve(target) : null;
        return t != null && seen.add(t) && CALLS.getOrDefault(t, List.of()).stream()
                .anyMatch(c -> sink.test(c.target()) || viaApp(c.target(), sink, seen));
    }

    @Test
    void theRuleSeesTheEngineWorkTheWorkspacesHandOff() {
        // the workspaces' work lambdas do compute: if none were seen, the rule above would check nothing
        Set<String> computing = new HashSet<>();
        CALLS.forEach((m, calls) -> {
            if (inUi(m.owner()) && m.lambda() && calls.stream().anyMatch(c -> computes(c.target()))) {
                computing.add(m.owner());
            }
        });
        assertTrue(computing.size() >= 3, "UI classes with lambda bodies that compute: " + computing);
    }
}
