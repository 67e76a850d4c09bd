package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** JavaFX's code is kept out of C2 in the running JVM, and only JavaFX's (issue #23: C2's CPU during live runs). */
class ViewJitTest {
    @Test
    void theJvmTakesTheDirectiveForJavaFxPackagesOnlyAndForC2Only() throws Exception {
        assertTrue(ViewJit.install(), "HotSpot took the directive");
        assertTrue(ViewJit.install(), "a second call keeps it (and adds no second copy)");
        String printed = ViewJit.print();
        int ours = printed.indexOf("matching: com/sun/javafx/*.*, javafx/*.*");
        assertTrue(ours >= 0, printed);
        int c1 = printed.indexOf("c1 directives:", ours);
        int c2 = printed.indexOf("c2 directives:", ours);
        int next = printed.indexOf("Directive:", c2);
        assertTrue(c1 > ours && c2 > c1 && next > c2, printed);
        assertTrue(printed.substring(c1, c2).contains("Exclude:false"), "C1 still compiles JavaFX's code: " + printed);
        assertTrue(printed.substring(c2, next).contains("Exclude:true"), "C2 does not: " + printed);
        assertTrue(printed.indexOf("matching: com/sun/javafx/*.*, javafx/*.*", ours + 1) < 0, "one copy: " + printed);
        assertTrue(printed.contains("Directive: (default)\n matching: *.*"), "everything else keeps the defaults: " + printed);
    }
}
