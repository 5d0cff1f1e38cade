package dev.handoff.storage.jdbc;

import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.Json;
import dev.handoff.spi.LoginChallenge;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the hosted-page state of a session is stored: its {@link BrowserBinding} and {@link LoginChallenge}, each a
 * nullable JSON column with instants as epoch nanoseconds (like every other instant of the table). Stateless.
 *
 * <pre>
 * {"secretDigest":"…","activatedAt":1767225600000000000,"lastSeenAt":1767225600000000000}
 * {"email":"ann@example.com","codeDigest":"…","expiresAt":…,"attemptsLeft":5,"sends":1,"lastSentAt":…}
 * </pre>
 */
final class HostedStateJson {
  private HostedStateJson() {}

  static String writeBrowser(BrowserBinding browser) {
    if (browser == null) {
      return null;
    }
    var json = new LinkedHashMap<String, Object>();
    json.put("secretDigest", browser.secretDigest());
    json.put("activatedAt", EpochNanos.of(browser.activatedAt()));
    json.put("lastSeenAt", EpochNanos.of(browser.lastSeenAt()));
    return Json.write(json);
  }

  static BrowserBinding readBrowser(String text) {
    if (text == null) {
      return null;
    }
    Map<String, Object> json = Json.parseObject(text);
    return new BrowserBinding((String) json.get("secretDigest"), instant(json, "activatedAt"),
        instant(json, "lastSeenAt"));
  }

  static String writeChallenge(LoginChallenge challenge) {
    if (challenge == null) {
      return null;
    }
    var json = new LinkedHashMap<String, Object>();
    json.put("email", challenge.email());
    json.put("codeDigest", challenge.codeDigest());
    json.put("expiresAt", EpochNanos.of(challenge.expiresAt()));
    json.put("attemptsLeft", challenge.attemptsLeft());
    json.put("sends", challenge.sends());
    json.put("lastSentAt", EpochNanos.of(challenge.lastSentAt()));
    return Json.write(json);
  }

  static LoginChallenge readChallenge(String text) {
    if (text == null) {
      return null;
    }
    Map<String, Object> json = Json.parseObject(text);
    return new LoginChallenge((String) json.get("email"), (String) json.get("codeDigest"),
        instant(json, "expiresAt"), Math.toIntExact((Long) json.get("attemptsLeft")),
        Math.toIntExact((Long) json.get("sends")), instant(json, "lastSentAt"));
  }

  private static Instant instant(Map<String, Object> json, String field) {
    return EpochNanos.toInstant((Long) json.get(field));
  }
}
