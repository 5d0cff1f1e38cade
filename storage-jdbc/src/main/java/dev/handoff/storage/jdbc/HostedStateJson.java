package dev.handoff.storage.jdbc;

import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.Json;
import dev.handoff.spi.LoginChallenge;
import java.time.Instant;

/**
 * How the hosted-page state of a session is stored: its {@link BrowserBinding} and {@link LoginChallenge}, each a
 * nullable JSON column with instants as epoch nanoseconds (like every other instant of the table). Stateless.
 *
 * <pre>
 * {"secretDigest":"…","activatedAt":1767225600000000000,"lastSeenAt":1767225600000000000}
 * {"email":"ann@example.com","codeDigest":"…","expiresAt":…,"attemptsLeft":5,"sends":1,"lastSentAt":…}
 * </pre>
 *
 * <p>Written in exactly this shape and read field by field with {@link JsonCursor} (in any order, unknown fields
 * skipped), since every {@code find} decodes them.
 */
final class HostedStateJson {
  private HostedStateJson() {}

  static String writeBrowser(BrowserBinding browser) {
    if (browser == null) {
      return null;
    }
    return "{\"secretDigest\":" + Json.write(browser.secretDigest())
        + ",\"activatedAt\":" + EpochNanos.of(browser.activatedAt())
        + ",\"lastSeenAt\":" + EpochNanos.of(browser.lastSeenAt()) + '}';
  }

  static BrowserBinding readBrowser(String text) {
    if (text == null) {
      return null;
    }
    String secretDigest = null;
    Instant activatedAt = null;
    Instant lastSeenAt = null;
    var json = new JsonCursor(text);
    json.beginObject();
    while (json.nextField()) {
      if (json.nameIs("secretDigest")) {
        secretDigest = json.string();
      } else if (json.nameIs("activatedAt")) {
        activatedAt = EpochNanos.toInstant(json.longValue());
      } else if (json.nameIs("lastSeenAt")) {
        lastSeenAt = EpochNanos.toInstant(json.longValue());
      } else {
        json.skipValue();
      }
    }
    json.end();
    return new BrowserBinding(secretDigest, activatedAt, lastSeenAt);
  }

  static String writeChallenge(LoginChallenge challenge) {
    if (challenge == null) {
      return null;
    }
    return "{\"email\":" + Json.write(challenge.email())
        + ",\"codeDigest\":" + Json.write(challenge.codeDigest())
        + ",\"expiresAt\":" + EpochNanos.of(challenge.expiresAt())
        + ",\"attemptsLeft\":" + challenge.attemptsLeft()
        + ",\"sends\":" + challenge.sends()
        + ",\"lastSentAt\":" + EpochNanos.of(challenge.lastSentAt()) + '}';
  }

  static LoginChallenge readChallenge(String text) {
    if (text == null) {
      return null;
    }
    String email = null;
    String codeDigest = null;
    Instant expiresAt = null;
    Long attemptsLeft = null;
    Long sends = null;
    Instant lastSentAt = null;
    var json = new JsonCursor(text);
    json.beginObject();
    while (json.nextField()) {
      if (json.nameIs("email")) {
        email = json.string();
      } else if (json.nameIs("codeDigest")) {
        codeDigest = json.string();
      } else if (json.nameIs("expiresAt")) {
        expiresAt = EpochNanos.toInstant(json.longValue());
      } else if (json.nameIs("attemptsLeft")) {
        attemptsLeft = json.longValue();
      } else if (json.nameIs("sends")) {
        sends = json.longValue();
      } else if (json.nameIs("lastSentAt")) {
        lastSentAt = EpochNanos.toInstant(json.longValue());
      } else {
        json.skipValue();
      }
    }
    json.end();
    return new LoginChallenge(email, codeDigest, expiresAt, Math.toIntExact(attemptsLeft),
        Math.toIntExact(sends), lastSentAt);
  }
}
