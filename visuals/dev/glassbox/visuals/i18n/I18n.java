package dev.glassbox.visuals.i18n;

import java.text.MessageFormat;
import java.text.NumberFormat;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * Every text a user sees, from one resource bundle ({@code messages.properties}: English,
 * {@code messages_zh_CN.properties}: Simplified Chinese). The language can change while the app runs: texts bound
 * with {@link #bind} follow it. Numbers are formatted the same in every language (one format, {@link Locale#ROOT}).
 */
public final class I18n {
    public static final Locale ENGLISH = Locale.ENGLISH;
    public static final Locale CHINESE = Locale.SIMPLIFIED_CHINESE;
    public static final String BUNDLE = "dev.glassbox.visuals.i18n.messages";

    /** No fallback to the JVM's default locale: English is the base bundle, whatever the system says. */
    private static final ResourceBundle.Control CONTROL =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);
    private static final ObjectProperty<Locale> LOCALE = new SimpleObjectProperty<>(initialLocale());

    private I18n() {
    }

    /** The system's language when it is Chinese, else English; {@code -Dglassbox.locale=zh-CN|en} overrides. */
    static Locale initialLocale() {
        String forced = System.getProperty("glassbox.locale");
        Locale wanted = forced == null || forced.isBlank() ? Locale.getDefault() : Locale.forLanguageTag(forced);
        return supported(wanted);
    }

    /** The supported language closest to {@code wanted}. */
    public static Locale supported(Locale wanted) {
        return "zh".equals(wanted.getLanguage()) ? CHINESE : ENGLISH;
    }

    public static ObjectProperty<Locale> localeProperty() {
        return LOCALE;
    }

    public static Locale locale() {
        return LOCALE.get();
    }

    public static void setLocale(Locale locale) {
        LOCALE.set(supported(locale));
    }

    public static ResourceBundle bundle(Locale locale) {
        Locale l = supported(locale);
        ResourceBundle b = l == CHINESE ? chinese : english;
        if (b == null) { // ResourceBundle caches too, but its look-up per call cost more than the text itself
            b = ResourceBundle.getBundle(BUNDLE, l, I18n.class.getClassLoader(), CONTROL);
            if (l == CHINESE) chinese = b;
            else english = b;
        }
        return b;
    }

    private static volatile ResourceBundle english;
    private static volatile ResourceBundle chinese;

    /** The text of {@code key} in the current language, with {@code args} put into its {0}, {1}, … places. */
    public static String text(String key, Object... args) {
        return text(locale(), key, args);
    }

    public static String text(Locale locale, String key, Object... args) {
        String pattern;
        try {
            pattern = bundle(locale).getString(key);
        } catch (MissingResourceException e) {
            throw new IllegalArgumentException("no text for key '" + key + "' in " + BUNDLE, e);
        }
        if (args.length == 0) {
            return pattern;
        }
        // parsed once per pattern: the live views and the status line format several texts a frame, and a parse
        // per call was most of a text's cost (a MessageFormat is not thread-safe: each is used under its own lock)
        MessageFormat f = FORMATS.computeIfAbsent(pattern, p -> new MessageFormat(p, Locale.ROOT));
        synchronized (f) {
            try {
                return f.format(withNumbersFormatted(f, args));
            } catch (IllegalArgumentException e) { // an argument used both with and without a format type
                return f.format(args);
            }
        }
    }

    /** Parsed patterns by their text (a few hundred at most: the bundles' patterns with places). */
    private static final Map<String, MessageFormat> FORMATS = new ConcurrentHashMap<>();

    /** The number format MessageFormat would make for an argument without a format type, kept per thread. */
    private static final ThreadLocal<NumberFormat> NUMBERS = ThreadLocal.withInitial(() -> NumberFormat.getInstance(Locale.ROOT));

    /**
     * {@code args} with each number that goes to a place without a format type ({@code {0}}, not {@code {0,number,…}})
     * formatted into a string as MessageFormat would, by one kept format: MessageFormat makes a new
     * {@code DecimalFormat} per such number, which the live views paid per cell and per token.
     */
    private static Object[] withNumbersFormatted(MessageFormat f, Object[] args) {
        java.text.Format[] byArgument = f.getFormatsByArgumentIndex();
        Object[] out = args;
        for (int i = 0; i < Math.min(args.length, byArgument.length); i++) {
            if (byArgument[i] == null && args[i] instanceof Number n) {
                if (out == args) {
                    out = args.clone();
                }
                out[i] = NUMBERS.get().format(n);
            }
        }
        return out;
    }

    /** Whether the bundle has a text for {@code key}. */
    public static boolean has(String key) {
        return bundle(locale()).containsKey(key);
    }

    /** A binding that holds {@link #text} and follows language changes. */
    public static StringBinding bind(String key, Object... args) {
        return Bindings.createStringBinding(() -> text(key, args), LOCALE);
    }
}
