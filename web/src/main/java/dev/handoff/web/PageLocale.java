package dev.handoff.web;

import java.util.Locale;

/** Which language a page speaks: the session's, else the browser's {@code Accept-Language}, else English. */
final class PageLocale {
  private PageLocale() {}

  static PageTexts choose(Locale sessionLocale, HostedRequest request) {
    if (sessionLocale != null) {
      PageTexts texts = PageTexts.of(sessionLocale);
      if (texts.locale().getLanguage().equals(sessionLocale.getLanguage())) {
        return texts; // a supported language (else of() fell back to English: the browser may prefer another)
      }
    }
    String accept = request.header("Accept-Language").orElse("");
    if (!accept.isEmpty() && accept.length() <= 512) {
      try {
        Locale best = Locale.lookup(Locale.LanguageRange.parse(accept), PageTexts.SUPPORTED);
        if (best != null) {
          return PageTexts.of(best);
        }
      } catch (IllegalArgumentException malformed) {
        // An unreadable header is no preference.
      }
    }
    return PageTexts.of(Locale.ENGLISH);
  }
}
