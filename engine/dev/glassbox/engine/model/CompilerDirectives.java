package dev.glassbox.engine.model;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.management.ObjectName;

import dev.glassbox.engine.tensor.Kernels;

/**
 * Compiler directives added to the running JVM (what {@code jcmd PID Compiler.directives_add FILE} does): the one
 * place Glassbox talks to HotSpot's JIT. The engine's own directive, {@link #FORWARD}, is added before the first
 * forward pass runs ({@link LlamaForward}'s class initialisation); the app adds its views' directive through
 * {@link #add} too.
 * <p>
 * {@link #FORWARD}: C2 compiles the forward's orchestration ({@link LlamaForward}'s methods) without inlining the
 * kernels ({@link Kernels}, {@link Rope}, {@link CachedAttention}) into them; each kernel is compiled on its own, with
 * its vector code, as before. Why (issue #22; docs/PERFORMANCE.md, "Q8_0 memory, part 4"): with the kernels inlined,
 * C2's compilation of {@code LlamaForward.attention} took 20.5 MB of compiler arena and {@code layersFrom} 14 MB
 * three times, during the first prefill, while the heap held the weights and the key/value cache; the C library keeps
 * such freed memory, so it stayed in the process's peak (~15 MiB of bench's 265 MiB on the stories110M Q8_0 file).
 * The calls it leaves are a few per layer and token, each over a whole vector or matrix.
 * <p>
 * Best effort: a JVM without the diagnostic-command interface, or one that refuses a directive, runs as before.
 * {@code -Dglassbox.forwardJit=false} leaves the forward's compilations as they are (for A/B measurements).
 */
public final class CompilerDirectives {
    /** The forward's directive (HotSpot's compiler-directives format), from the classes, so a rename keeps it. */
    static final String FORWARD = "[ { match: [\"" + methodsOf(LlamaForward.class) + "\"], inline: [\"-"
            + methodsOf(Kernels.class) + "\", \"-" + methodsOf(Rope.class) + "\", \"-" + methodsOf(CachedAttention.class)
            + "\"] } ]";

    private static boolean forwardInstalled;

    private CompilerDirectives() {
    }

    /** Every method of {@code c} as a directive pattern: {@code dev/glassbox/engine/model/LlamaForward.*}. */
    static String methodsOf(Class<?> c) {
        return c.getName().replace('.', '/') + ".*";
    }

    /**
     * Adds {@link #FORWARD} to this JVM (once; later calls do nothing; none with {@code -Dglassbox.forwardJit=false});
     * whether this JVM has it now.
     */
    public static synchronized boolean installForward() {
        if (!forwardInstalled && Boolean.parseBoolean(System.getProperty("glassbox.forwardJit", "true"))) {
            forwardInstalled = add(FORWARD);
        }
        return forwardInstalled;
    }

    /** Adds {@code directive} (HotSpot's compiler-directives format) to this JVM; whether HotSpot took it. */
    public static boolean add(String directive) {
        Path file = null;
        try {
            file = Files.createTempFile("glassbox-jit", ".json");
            Files.writeString(file, directive, StandardCharsets.UTF_8);
            String answer = command("Compiler.directives_add", file.toString());
            // HotSpot answers "1 compiler directives added", or why it refused the file
            return answer.strip().matches("(?s)[1-9]\\d* compiler directives added.*");
        } catch (Exception | LinkageError e) {
            return false;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (java.io.IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
    }

    /** The JVM's directives as {@code jcmd PID Compiler.directives_print} lists them. */
    public static String print() throws Exception {
        return command("Compiler.directives_print");
    }

    /**
     * Runs a diagnostic command in this JVM. Directly through the JDK's diagnostic-command bean when the jar's
     * {@code Add-Opens} (or the tests' {@code --add-opens}) lets Glassbox reach it: the platform MBean server, the
     * public way, loads ~700 classes more and took 0.3-1.5 s of CPU and ~18 MB more in a small program, more than
     * {@link #FORWARD} saves a command-line run. Otherwise through that server.
     */
    private static String command(String name, String... arguments) throws Exception {
        StringBuilder line = new StringBuilder(name);
        for (String a : arguments) {
            line.append(" \"").append(a).append('"');
        }
        Method direct = direct();
        if (direct != null) {
            return String.valueOf(direct.invoke(directBean, line.toString()));
        }
        String operation = toOperationName(name);
        return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), operation, new Object[] {arguments},
                new String[] {String[].class.getName()}));
    }

    /** Whether commands run through the diagnostic-command bean directly (not through the platform MBean server). */
    static boolean runsDirectly() {
        return direct() != null;
    }

    /** {@code Compiler.directives_add} -> {@code compilerDirectivesAdd}, the bean's name for the command. */
    static String toOperationName(String command) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char ch : command.toCharArray()) {
            if (ch == '.' || ch == '_') {
                upper = true;
            } else {
                b.append(b.isEmpty() ? Character.toLowerCase(ch) : upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        return b.toString();
    }

    private static Object directBean;
    private static Method directExecute;
    private static boolean directLooked;

    /** {@code DiagnosticCommandImpl.executeDiagnosticCommand(String)}, or null when not reachable. */
    private static synchronized Method direct() {
        if (!directLooked) {
            directLooked = true;
            try {
                // its class initialisation loads the native library the bean's methods live in
                Class.forName("com.sun.management.internal.PlatformMBeanProviderImpl");
                Class<?> impl = Class.forName("com.sun.management.internal.DiagnosticCommandImpl");
                Method bean = impl.getDeclaredMethod("getDiagnosticCommandMBean");
                bean.setAccessible(true);
                Method execute = impl.getDeclaredMethod("executeDiagnosticCommand", String.class);
                execute.setAccessible(true);
                directBean = bean.invoke(null);
                directExecute = execute;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                directExecute = null; // not opened to Glassbox (or another JDK): the platform MBean server
            }
        }
        return directExecute;
    }
}
