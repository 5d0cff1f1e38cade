package dev.handoff.storage.redis;

import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Intent;
import dev.handoff.spi.Json;
import dev.handoff.spi.LoginChallenge;
import dev.handoff.spi.Recovery;
import dev.handoff.spi.SessionClocks;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The mapping between a {@link StoredSession} and the fields of its Redis hash: one short field per component,
 * like the columns of the JDBC store, so that a small session fits Redis's compact listpack encoding (every value
 * at most 64 bytes by default, which a seed-sized session meets) and the Lua
 * scripts can read and write single components ({@code st}, {@code tg}, {@code xa}, {@code v}, {@code ik}).
 * Absent optional components have no field. Instants are {@link EpochNanos}; JSON is {@link Json} text. Tenant
 * and id are in the key, not in the hash. Stateless.
 *
 * <pre>
 * it intent type      ip intent payload   cb callback URL      md metadata          pr presentation
 * uid subject: the existing user's id     nu subject: the new user's details (JSON)     neither: anonymous
 * ca createdAt        ma modifiedAt       xa expiresAt         st status            tg token generation
 * td token digest     su single use (1/0) ik idempotency key   rf request fingerprint
 * bd ba bl  browser: secret digest, activatedAt, lastSeenAt
 * ce cd cx cn cs cl  challenge: email, code digest, expiresAt, attempts left, sends, lastSentAt
 * lx to lf  clocks: link expires at, idle timeout, active lifetime (nanoseconds); absent on hashes written before
 *           they were stored, which read as {@link SessionClocks#single}
 * ro rb rn  recovery: recovered from, replaced by, count; each absent when null or 0
 * ax access log (JSON, see {@link AccessLogJson}); absent when empty
 * v  version
 * </pre>
 */
final class SessionHash {
  private static final String STATUS = "st";
  private static final String MODIFIED_AT = "ma";
  private static final String BROWSER_DIGEST = "bd";
  private static final String BROWSER_ACTIVATED_AT = "ba";
  private static final String BROWSER_LAST_SEEN_AT = "bl";

  private SessionHash() {}

  /** Every field of {@code s} and its value, alternating, ready for {@code HSET}. */
  static List<String> fields(StoredSession s) {
    var f = new ArrayList<String>(48);
    put(f, "it", s.intent().type());
    put(f, "ip", Json.write(s.intent().payload()));
    if (s.subject() instanceof Subject.ExistingUser existing) {
      put(f, "uid", existing.userId());
    } else if (s.subject() instanceof Subject.NewUser created) {
      put(f, "nu", NewUserJson.write(created.details()));
    }
    putNullable(f, "cb", s.callbackUrl());
    put(f, "md", Json.write(s.metadata()));
    if (!s.presentation().isEmpty()) {
      put(f, "pr", Json.write(s.presentation()));
    }
    put(f, "ca", instant(s.createdAt()));
    put(f, MODIFIED_AT, instant(s.modifiedAt()));
    put(f, "xa", instant(s.expiresAt()));
    put(f, STATUS, s.status().name());
    put(f, "tg", Long.toString(s.tokenGeneration()));
    put(f, "td", s.tokenDigest());
    put(f, "su", s.singleUse() ? "1" : "0");
    putNullable(f, "ik", s.idempotencyKey());
    putNullable(f, "rf", s.requestFingerprint());
    browserFields(f, s.browser());
    LoginChallenge c = s.challenge();
    if (c != null) {
      put(f, "ce", c.email());
      put(f, "cd", c.codeDigest());
      put(f, "cx", instant(c.expiresAt()));
      put(f, "cn", Integer.toString(c.attemptsLeft()));
      put(f, "cs", Integer.toString(c.sends()));
      put(f, "cl", instant(c.lastSentAt()));
    }
    SessionClocks clocks = s.clocks();
    put(f, "lx", instant(clocks.linkExpiresAt()));
    put(f, "to", nanos(clocks.idleTimeout()));
    put(f, "lf", nanos(clocks.activeLifetime()));
    Recovery recovery = s.recovery();
    putNullable(f, "ro", recovery.recoveredFrom());
    putNullable(f, "rb", recovery.replacedBy());
    if (recovery.count() != 0) {
      put(f, "rn", Integer.toString(recovery.count()));
    }
    if (!s.accessLog().isEmpty()) {
      put(f, "ax", AccessLogJson.write(s.accessLog()));
    }
    put(f, "v", Long.toString(s.version()));
    return f;
  }

  /**
   * A duration as decimal nanoseconds.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} for a duration of 292 years or more
   */
  static String nanos(Duration duration) {
    try {
      return Long.toString(duration.toNanos());
    } catch (ArithmeticException e) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "durations must be under 292 years to be stored");
    }
  }

  private static void browserFields(List<String> f, BrowserBinding b) {
    if (b != null) {
      put(f, BROWSER_DIGEST, b.secretDigest());
      put(f, BROWSER_ACTIVATED_AT, instant(b.activatedAt()));
      put(f, BROWSER_LAST_SEEN_AT, instant(b.lastSeenAt()));
    }
  }

  static String instant(java.time.Instant instant) {
    return Long.toString(EpochNanos.of(instant));
  }

  private static void put(List<String> f, String field, String value) {
    f.add(field);
    f.add(value);
  }

  private static void putNullable(List<String> f, String field, String value) {
    if (value != null) {
      put(f, field, value);
    }
  }

  /**
   * The session stored in {@code hash}.
   *
   * @throws HandoffException {@link ErrorCode#STORAGE_UNAVAILABLE} if the hash does not hold a valid session
   */
  static StoredSession read(String tenant, String id, Map<String, String> hash) {
    try {
      var b = StoredSession.builder()
          .tenant(tenant)
          .id(id)
          .intent(new Intent(hash.get("it"), Json.parseObject(hash.get("ip"))))
          .subject(subject(hash))
          .callbackUrl(hash.get("cb"))
          .metadata(Json.parseObject(hash.get("md")))
          .presentation(hash.containsKey("pr") ? Json.parseObject(hash.get("pr")) : Map.of())
          .createdAt(instant(hash, "ca"))
          .modifiedAt(instant(hash, MODIFIED_AT))
          .expiresAt(instant(hash, "xa"))
          .status(SessionStatus.valueOf(hash.get(STATUS)))
          .tokenGeneration(Long.parseLong(hash.get("tg")))
          .tokenDigest(hash.get("td"))
          .singleUse("1".equals(hash.get("su")))
          .idempotency(hash.get("ik"), hash.get("rf"))
          .version(Long.parseLong(hash.get("v")));
      if (hash.containsKey(BROWSER_DIGEST)) {
        b.browser(new BrowserBinding(hash.get(BROWSER_DIGEST), instant(hash, BROWSER_ACTIVATED_AT),
            instant(hash, BROWSER_LAST_SEEN_AT)));
      }
      if (hash.containsKey("ce")) {
        b.challenge(new LoginChallenge(hash.get("ce"), hash.get("cd"), instant(hash, "cx"),
            Integer.parseInt(hash.get("cn")), Integer.parseInt(hash.get("cs")), instant(hash, "cl")));
      }
      if (hash.containsKey("lx")) {
        b.clocks(new SessionClocks(instant(hash, "lx"), Duration.ofNanos(Long.parseLong(hash.get("to"))),
            Duration.ofNanos(Long.parseLong(hash.get("lf")))));
      }
      String count = hash.get("rn");
      b.recovery(new Recovery(hash.get("ro"), hash.get("rb"), count == null ? 0 : Integer.parseInt(count)));
      String log = hash.get("ax");
      if (log != null) {
        b.accessLog(AccessLogJson.read(log));
      }
      return b.build();
    } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
      throw new HandoffException(ErrorCode.STORAGE_UNAVAILABLE, "a stored session hash is corrupt", e);
    }
  }

  private static Subject subject(Map<String, String> hash) {
    String userId = hash.get("uid");
    if (userId != null) {
      return new Subject.ExistingUser(userId);
    }
    String created = hash.get("nu");
    return created == null ? Subject.ANONYMOUS : new Subject.NewUser(NewUserJson.read(created));
  }

  private static java.time.Instant instant(Map<String, String> hash, String field) {
    return EpochNanos.toInstant(Long.parseLong(hash.get(field)));
  }
}
