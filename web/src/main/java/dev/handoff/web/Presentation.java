package dev.handoff.web;

import dev.handoff.Session;
import dev.handoff.Theme;
import java.util.Locale;

/** How a session asked to be presented: its theme, and its locale ({@code null} when it did not say). */
record Presentation(Theme theme, Locale locale) {

  static Presentation of(Session session) {
    return new Presentation(Theme.DEFAULT, null);
  }
}
