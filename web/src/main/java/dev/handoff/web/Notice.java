package dev.handoff.web;

import java.util.Arrays;
import java.util.Optional;

/**
 * The alerts a page can show after a redirect ({@code ?notice=<key>}). Only these keys are understood, so a
 * crafted link cannot put text of its choosing on a page.
 */
enum Notice {
  WRONG_CODE("wrong-code", "notice.wrongCode"),
  CODE_EXPIRED("code-expired", "notice.codeExpired"),
  LOCKED("locked", "notice.locked"),
  TOO_MANY_SENDS("too-many-sends", "notice.tooManySends"),
  INVALID_EMAIL("invalid-email", "notice.invalidEmail"),
  SIGN_IN_UNAVAILABLE("sign-in-unavailable", "notice.signInUnavailable");

  private final String key;
  private final String textKey;

  Notice(String key, String textKey) {
    this.key = key;
    this.textKey = textKey;
  }

  String key() {
    return key;
  }

  String textKey() {
    return textKey;
  }

  static Optional<Notice> fromKey(String key) {
    if (key == null) {
      return Optional.empty(); // most pages carry no notice: no copy of values() for them
    }
    return Arrays.stream(values()).filter(n -> n.key.equals(key)).findFirst();
  }
}
