package dev.glassbox.visuals.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class I18nBundleTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+)[^}]*}");

    @Test
    void chineseHasEveryEnglishKeyAndNoOther() throws java.io.IOException {
        ResourceBundle en = I18n.bundle(I18n.ENGLISH);
        ResourceBundle zh = I18n.bundle(I18n.CHINESE);
        assertEquals(Locale.ROOT, en.getLocale(), "English is the base bundle");
        assertEquals(I18n.CHINESE, zh.getLocale(), "the Chinese bundle is its own file, not the fallback");
        assertEquals(own("messages.properties"), own("messages_zh_CN.properties"));
    }

    /** The keys a bundle file itself defines (a ResourceBundle's keySet also holds its parent's). */
    private static Set<String> own(String file) throws java.io.IOException {
        var props = new java.util.Properties();
        try (var in = I18n.class.getResourceAsStream(file)) {
            props.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        }
        return new TreeSet<>(props.stringPropertyNames());
    }

    @Test
    void everyTranslationUsesTheSamePlaceholders() {
        ResourceBundle en = I18n.bundle(I18n.ENGLISH);
        ResourceBundle zh = I18n.bundle(I18n.CHINESE);
        for (String key : en.keySet()) {
            assertEquals(placeholders(en.getString(key)), placeholders(zh.getString(key)), key);
        }
    }

    @Test
    void textFollowsTheLanguageAndFormatsArguments() {
        Locale before = I18n.locale();
        try {
            I18n.setLocale(Locale.CHINA);
            assertEquals("困惑度", I18n.text("context.perplexity"));
            var binding = I18n.bind("context.perplexity");
            I18n.setLocale(Locale.US);
            assertEquals("perplexity", binding.get());
        } finally {
            I18n.setLocale(before);
        }
    }

    @Test
    void unknownKeyNamesTheKey() {
        var e = assertThrows(IllegalArgumentException.class, () -> I18n.text("no.such.key"));
        assertTrue(e.getMessage().contains("no.such.key"));
    }

    private static Set<String> placeholders(String s) {
        Set<String> found = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(s);
        while (m.find()) found.add(m.group(1));
        return found;
    }
}
