package dev.glassbox.app.service;

import dev.glassbox.engine.model.CompilerDirectives;

/**
 * Keeps JavaFX's own code (the packages {@code javafx.*} and {@code com.sun.javafx.*}: scene graph, layout, CSS,
 * text, bindings) out of C2, the JIT's optimising compiler, by a compiler directive added to the running JVM
 * ({@link CompilerDirectives}, as {@code jcmd PID Compiler.directives_add FILE} does). Such
 * methods are compiled by C1 alone (tier 1, C1's full optimisation without a profile) once they are hot.
 * <p>
 * Why (issue #23; docs/PERFORMANCE.md, "The JIT during app generation"): while a generation runs with the live views,
 * JavaFX's methods run a few times a frame at a few frames a second, so they keep crossing C2's thresholds all
 * through a run (~300 C2 compilations in 300 tokens after a 300-token warm-up), and on 2 cores C2's ~9 ms of CPU a
 * token comes out of the engine's share. JavaFX's renderer ({@code com.sun.prism.*}, Marlin, Pisces) and
 * Glassbox's own code, the engine's kernels above all, are not matched and keep C2.
 * <p>
 * Best effort: a JVM without the diagnostic commands (a runtime image without {@code jdk.management}) or one that
 * refuses the directive runs as before. {@code -Dglassbox.viewJit=false} leaves the JIT as it is (for A/B measurements).
 */
public final class ViewJit {
    /** The directive: C2 excluded for JavaFX's scene-graph packages (HotSpot's compiler-directives format). */
    static final String DIRECTIVE = """
            [ { match: ["javafx/*.*", "com/sun/javafx/*.*"], c2: { Exclude: true } } ]
            """;

    private static boolean installed;

    private ViewJit() {
    }

    /**
     * Adds the directive to this JVM (once; later calls do nothing; none with {@code -Dglassbox.viewJit=false});
     * whether this JVM has it now. Can take a few hundred ms of CPU (when the platform MBean server has to start):
     * call it off the FX thread.
     */
    public static synchronized boolean install() {
        if (installed || !Boolean.parseBoolean(System.getProperty("glassbox.viewJit", "true"))) {
            return installed;
        }
        installed = CompilerDirectives.add(DIRECTIVE);
        return installed;
    }

    /** The JVM's directives as {@code jcmd PID Compiler.directives_print} lists them. */
    static String print() throws Exception {
        return CompilerDirectives.print();
    }
}
