package dev.handoff.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * The strings of the hosted pages in one locale, from {@code messages.properties} (English) and
 * {@code messages_de.properties} (German) beside this class. Immutable and thread-safe.
 */
public final class PageTexts {
  /** The locales the pages ship in; English is the fallback. */
  public static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, Locale.GERMAN);

  private static final PageTexts ENGLISH = new PageTexts(Locale.ENGLISH, load("messages.properties", null));
  /** By language code ({@link Locale#getLanguage()}): looked up on every page without parsing a tag. */
  private static final Map<String, PageTexts> BUNDLES = Map.of(
      Locale.ENGLISH.getLanguage(), ENGLISH,
      Locale.GERMAN.getLanguage(), new PageTexts(Locale.GERMAN,
          load("messages_de.properties", load("messages.properties", null))));

  private final Locale locale;
  private final Properties strings;

  private PageTexts(Locale locale, Properties strings) {
    this.locale = locale;
    this.strings = strings;
  }

  /** The texts of the supported locale with {@code locale}'s language, else English. */
  public static PageTexts of(Locale locale) {
    Objects.requireNonNull(locale, "locale");
    return BUNDLES.getOrDefault(locale.getLanguage(), ENGLISH);
  }

  /** The locale of these texts: a language of {@link #SUPPORTED}. */
  public Locale locale() {
    return locale;
  }

  /** The BCP 47 tag for the page's {@code lang} attribute, e.g. {@code de}. */
  public String languageTag() {
    return locale.toLanguageTag();
  }

  /**
   * The string for {@code key}, with {@link MessageFormat} arguments filled in.
   *
   * @throws IllegalArgumentException for an unknown key (a bug, caught by the tests of every page)
   */
  public String get(String key, Object... args) {
    String pattern = strings.getProperty(key);
    if (pattern == null) {
      throw new IllegalArgumentException("no text '" + key + "'");
    }
    return args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args);
  }

  /** Whether there is a string for {@code key}. */
  public boolean has(String key) {
    return strings.getProperty(key) != null;
  }

  @Override
  public String toString() {
    return "PageTexts[" + locale.toLanguageTag() + "]";
  }

  private static Properties load(String name, Properties defaults) {
    var properties = new Properties(defaults);
    try (InputStream in = PageTexts.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }
}
