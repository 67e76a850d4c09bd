package dev.glassbox.engine.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.routing.RoutingPolicy;
import dev.glassbox.engine.train.BpeLearner;

/** The one spec grammar: name[:item,...], key=value or bare items, lists inside a value separated by ';'. */
class SpecTest {

    private static String error(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void readsNamesKeysBareValuesAndLists() {
        Spec s = Spec.parse(" Longformer:w=16, global=[0;5] ");
        assertEquals("longformer", s.name());
        assertEquals(16, s.integer("W", 64, 1, 100), "keys are case-insensitive");
        assertEquals(List.of(0, 5), s.integers("global", 0, 10));
        assertEquals(7, s.integer("dilation", 7, 1, 100), "a missing key takes its default");
        s.checkAllUsed();
        assertEquals(List.of("0", "2", "4"), Spec.parse("keep:0;2;4").bareElements());
        assertEquals(List.of("0", "2"), Spec.parse("keep:0,2").bareElements(), "a comma list of bare items as well");
        assertEquals(List.of("a", "b[1,2]", "c"), Spec.items(" a, b[1,2] ,,c "), "commas in brackets do not split");
        assertEquals("0.2", Spec.parse("random:0.2").single("p"));
        assertEquals("0.2", Spec.parse("random:p=0.2").single("p"));
        assertNull(Spec.parse("random").single("p"));
    }

    @Test
    void everyErrorQuotesTheSpecAndSaysWhatIsExpected() {
        assertEquals("'sliding:W=0': W must be >= 1, got 0", error(() -> Spec.parse("sliding:W=0").integer("W", 1, 1, Integer.MAX_VALUE)));
        assertEquals("'x:n=7': n must be in 0..3, got 7", error(() -> Spec.parse("x:n=7").integer("n", 1, 0, 3)));
        assertEquals("'x:n=99999999999': n must be in 0..3, got 99999999999",
                error(() -> Spec.parse("x:n=99999999999").integer("n", 1, 0, 3)), "no int overflow");
        assertEquals("'pi:s=NaN': s must be a finite number, got NaN", error(() -> Spec.parse("pi:s=NaN").number("s", 1, 1, 10)));
        assertEquals("'pi:s=0.5': s must be in [1, 10], got 0.5", error(() -> Spec.parse("pi:s=0.5").number("s", 1, 1, 10)));
        assertEquals("'a:k=1,k=2': 'k' is given twice", error(() -> Spec.parse("a:k=1,k=2")));
        assertEquals("':W=3' has no name (expected name or name:key=value,...)", error(() -> Spec.parse(":W=3")));
        Spec bare = Spec.parse("sliding:128");
        bare.integer("W", 1, 1, 10);
        assertEquals("'sliding:128': expected key=value, got '128'", error(bare::checkAllUsed));
    }

    @Test
    void theReadmeSyntaxOfEveryFamilyStillParses() {
        assertEquals("streaming:sinks=4,W=124", ContextPolicy.parse("streaming:sinks=4,W=124", 512).label());
        assertEquals("sliding:W=128", ContextPolicy.parse("sliding:W=128", 512).label());
        assertEquals("yarn:s=4", ContextPolicy.parse("yarn:s=4", 512).label());
        assertEquals("compressive:memory=16,compressed=8,rate=4,fn=most-used",
                ContextPolicy.parse("compressive:memory=16,compressed=8,rate=4,fn=most_used", 512).label());
        assertEquals("keep:[0, 2, 4]", RoutingPolicy.parse("keep:0;2;4", 6).label());
        assertEquals("keep:[0, 1, 2, 4, 5]", RoutingPolicy.parse("skip:3", 6).label());
        assertEquals("random:p=0.2", RoutingPolicy.parse("random:p=0.2", 6).label());
        assertEquals(512, BpeLearner.parseSpec("bpe:512"));
        assertNull(BpeLearner.parseSpec("char"));
    }
}
