package dev.glassbox.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.tensor.Kernels;

/** The forward's compiler directive (issue #22: C2's memory while it compiles the forward with the kernels inlined). */
class CompilerDirectivesTest {
    @Test
    void theJvmHasTheForwardsDirectiveOnceAfterAForwardClassIsInitialised() throws Exception {
        Class.forName(LlamaForward.class.getName(), true, LlamaForward.class.getClassLoader());
        assertTrue(CompilerDirectives.installForward(), "HotSpot took the directive");
        assertTrue(CompilerDirectives.installForward(), "a second call keeps it");
        String printed = CompilerDirectives.print();
        String match = "matching: dev/glassbox/engine/model/LlamaForward.*";
        int ours = printed.indexOf(match);
        assertTrue(ours >= 0, printed);
        assertTrue(printed.indexOf(match, ours + 1) < 0, "one copy: " + printed);
        int end = printed.indexOf("Directive:", ours);
        String directive = printed.substring(ours, end < 0 ? printed.length() : end);
        for (String kernels : new String[] {"dev/glassbox/engine/tensor/Kernels.*", "dev/glassbox/engine/model/Rope.*",
                "dev/glassbox/engine/model/CachedAttention.*"}) {
            assertTrue(directive.contains("-" + kernels), kernels + " not inlined: " + directive);
        }
        assertTrue(printed.contains("Directive: (default)\n matching: *.*"), "everything else keeps the defaults: " + printed);
    }

    @Test
    void runsTheCommandWithoutThePlatformMBeanServerWhenOpened() {
        // the build's tests get --add-opens as the jar's manifest gives the launcher
        assertTrue(CompilerDirectives.runsDirectly());
    }

    @Test
    void namesTheClassesTheForwardCallsItsKernelsIn() throws Exception {
        Set<String> owners = new HashSet<>();
        try (InputStream in = LlamaForward.class.getResourceAsStream("LlamaForward.class")) {
            ClassModel model = ClassFile.of().parse(in.readAllBytes());
            for (MethodModel m : model.methods()) {
                m.code().ifPresent(code -> code.forEach(e -> {
                    if (e instanceof InvokeInstruction i) {
                        owners.add(i.owner().asInternalName());
                    }
                }));
            }
        }
        assertTrue(owners.contains(Kernels.class.getName().replace('.', '/')), owners::toString);
        assertTrue(owners.contains(CachedAttention.class.getName().replace('.', '/')), owners::toString);
        assertTrue(CompilerDirectives.FORWARD.contains(CompilerDirectives.methodsOf(Kernels.class)));
    }

    @Test
    void namesTheBeansOperations() {
        assertEquals("compilerDirectivesAdd", CompilerDirectives.toOperationName("Compiler.directives_add"));
        assertEquals("systemTrimNativeHeap", CompilerDirectives.toOperationName("System.trim_native_heap"));
    }
}
