package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.util.IllformedLocaleException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a session's hosted page is presented, in {@code StoredSession.presentation()}: {@code theme} (see
 * {@link Theme#toJson()}) and {@code locale} (a BCP 47 tag). Other keys there are kept as they are.
 */
final class SessionPresentation {
  private static final String THEME = "theme";
  private static final String LOCALE = "locale";

  private SessionPresentation() {}

  /** {@code current} with the theme and locale replaced where given (non-null). */
  static Map<String, Object> with(Map<String, Object> current, Theme theme, Locale locale) {
    var next = new LinkedHashMap<>(current);
    if (theme != null) {
      if (theme.isDefault()) {
        next.remove(THEME);
      } else {
        next.put(THEME, theme.toJson());
      }
    }
    if (locale != null) {
      next.put(LOCALE, locale.toLanguageTag());
    }
    return next;
  }

  static Theme theme(Map<String, Object> presentation) {
    return Theme.fromJson(presentation.get(THEME));
  }

  /** The stored locale, or {@code null} when none was set (or it no longer parses). */
  static Locale locale(Map<String, Object> presentation) {
    if (presentation.get(LOCALE) instanceof String tag) {
      try {
        return new Locale.Builder().setLanguageTag(tag).build();
      } catch (IllformedLocaleException e) {
        return null;
      }
    }
    return null;
  }

  /**
   * A locale from a request: a well-formed BCP 47 tag of at most 35 characters with a language.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} otherwise
   */
  static Locale checkLocale(Locale locale) {
    String tag = locale.toLanguageTag();
    if (locale.getLanguage().isEmpty() || tag.length() > 35 || tag.equals("und")) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "locale must be a BCP 47 tag with a language, e.g. de-DE");
    }
    return locale;
  }

  static Locale parseLocale(String tag) {
    if (tag == null || tag.isEmpty() || tag.length() > 35) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "locale must be a BCP 47 tag with a language, e.g. de-DE");
    }
    try {
      return checkLocale(new Locale.Builder().setLanguageTag(tag).build());
    } catch (IllformedLocaleException e) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "locale must be a BCP 47 tag with a language, e.g. de-DE");
    }
  }
}
