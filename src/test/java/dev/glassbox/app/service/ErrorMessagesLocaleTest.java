package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.NoSuchFileException;
import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.glassbox.visuals.i18n.I18n;

/** The window describes a failure in its language; the command line's description stays English whatever it is. */
class ErrorMessagesLocaleTest {
    private final Locale before = I18n.locale();

    @AfterEach
    void restore() {
        I18n.setLocale(before);
    }

    @Test
    void windowFollowsTheLanguageAndCommandLineStaysEnglish() {
        I18n.setLocale(I18n.CHINESE);
        NoSuchFileException missing = new NoSuchFileException("model.bin");
        assertEquals("model.bin: no such file", ErrorMessages.describe(missing));
        assertEquals("打开 model.bin失败：model.bin: 文件不存在", ErrorMessages.describe("打开 model.bin", missing));
        assertEquals("a setting is zero where it divides (check the numbers given)",
                ErrorMessages.describe(new ArithmeticException("/ by zero")));

        I18n.setLocale(I18n.ENGLISH);
        assertEquals("Opening model.bin failed: model.bin: no such file", ErrorMessages.describe("Opening model.bin", missing));
    }
}
