package dev.glassbox.visuals.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.text.MessageFormat;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/** Numbers put into a text read exactly as MessageFormat formats them, whether their place has a format type or not. */
class I18nNumbersTest {
    private static String messageFormat(Locale locale, String key, Object... args) {
        return new MessageFormat(I18n.bundle(locale).getString(key), Locale.ROOT).format(args);
    }

    @Test
    void numbersReadAsMessageFormatWritesThem() {
        Object[][] cases = {
            {"run.position", 7, 40},
            {"run.position", 1_234, 1_234_567L},
            {"run.position", -3, 0.125},
            {"run.position", 2.0 / 3, new BigDecimal("12345.678901")},
            {"run.position", Double.NaN, Float.POSITIVE_INFINITY},
            {"lines.title", "L0 H1", 1_000, 2_047, 4_096}, // {1,number,#}: the pattern's own format
            {"teach.status.encoded", 12_345},
            {"heads.headTitle", 11, 3},
        };
        for (Locale locale : new Locale[] {I18n.ENGLISH, I18n.CHINESE}) {
            for (Object[] c : cases) {
                Object[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
                Object[] before = args.clone();
                assertEquals(messageFormat(locale, (String) c[0], args), I18n.text(locale, (String) c[0], args),
                        c[0] + " " + java.util.Arrays.toString(args) + " in " + locale);
                assertEquals(java.util.Arrays.asList(before), java.util.Arrays.asList(args), "the caller's arguments are left as they were");
            }
        }
    }
}
