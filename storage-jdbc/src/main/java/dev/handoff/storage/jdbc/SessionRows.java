package dev.handoff.storage.jdbc;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Intent;
import dev.handoff.spi.Json;
import dev.handoff.spi.SessionClocks;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.Map;

/**
 * The mapping between a {@link StoredSession} and a row: column list, parameter binding and reading. Only the
 * token digest is stored; the SPI never hands a store the token itself. Stateless.
 */
final class SessionRows {
  /** The columns {@link #read} reads, in its order. */
  static final String COLUMNS = "tenant, id, intent_type, intent_payload, subject, callback_url, metadata, "
      + "presentation, created_at_ns, modified_at_ns, expires_at_ns, status, token_generation, token_digest, "
      + "single_use, idempotency_key, request_fingerprint, browser, challenge, row_version, link_expires_at_ns, "
      + "idle_timeout_ns, active_lifetime_ns, recovery, access_log";
  /**
   * Every column, in the order {@link #bindAll} binds them: {@link #COLUMNS} and {@code user_id}, the index of
   * {@code listByUser}, derived from the subject and never read.
   */
  static final String INSERT_COLUMNS = COLUMNS + ", user_id";
  /** Every column but the key, as {@code column = ?} for an {@code UPDATE}, in {@link #bindContent} order. */
  static final String CONTENT_ASSIGNMENTS = "intent_type = ?, intent_payload = ?, subject = ?, callback_url = ?, "
      + "metadata = ?, presentation = ?, created_at_ns = ?, modified_at_ns = ?, expires_at_ns = ?, status = ?, "
      + "token_generation = ?, token_digest = ?, single_use = ?, idempotency_key = ?, request_fingerprint = ?, "
      + "browser = ?, challenge = ?, row_version = ?, link_expires_at_ns = ?, idle_timeout_ns = ?, "
      + "active_lifetime_ns = ?, recovery = ?, access_log = ?, user_id = ?";
  static final int INSERT_COLUMN_COUNT = 26;
  /** Longest tenant, id or idempotency key the schemas hold. */
  static final int MAX_KEY_LENGTH = 255;
  /**
   * Longest {@code user_id} the schemas hold, in UTF-8 bytes of its escaped form: any user id the engine accepts
   * (128 characters) fits, even if every character needs a six-character escape.
   */
  static final int MAX_USER_ID_BYTES = 768;

  private SessionRows() {}

  /**
   * The text columns of a session, each written once per write of the row: the size check and the binding both
   * use them (serialising every JSON part twice was a tenth of an insert's time).
   */
  record Encoded(StoredSession session, String intentPayload, String subject, String metadata, String presentation,
      String browser, String challenge, String recovery, String accessLog, String userId) {}

  /**
   * The text columns of {@code s}, checked against the schema's key lengths and {@code maxBytes}.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} if a key would not fit its column or the session's
   *     stored text (every string and JSON column, in UTF-8) exceeds {@code maxBytes}
   */
  static Encoded encode(StoredSession s, int maxBytes) {
    String userId = SubjectJson.userIdColumn(s.subject());
    checkKeyLengths(s, userId);
    var encoded = new Encoded(s, Json.write(s.intent().payload()), SubjectJson.write(s.subject()),
        json(s.metadata()), json(s.presentation()), HostedStateJson.writeBrowser(s.browser()),
        HostedStateJson.writeChallenge(s.challenge()), LifecycleJson.writeRecovery(s.recovery()),
        LifecycleJson.writeAccessLog(s.accessLog()), userId);
    checkSize(encoded, maxBytes);
    return encoded;
  }

  /** {@link Json#write} of an object, without a writer for the usual empty one. */
  private static String json(Map<String, Object> object) {
    return object.isEmpty() ? "{}" : Json.write(object);
  }

  /** Binds all columns from parameter 1 on; returns the next free parameter index. */
  static int bindAll(PreparedStatement statement, Encoded e) throws SQLException {
    statement.setString(1, e.session().tenant());
    statement.setString(2, e.session().id());
    return bindContent(statement, 3, e);
  }

  /** Binds every column but tenant and id from parameter {@code first} on; returns the next free index. */
  static int bindContent(PreparedStatement statement, int first, Encoded e) throws SQLException {
    StoredSession s = e.session();
    int i = first;
    statement.setString(i++, s.intent().type());
    statement.setString(i++, e.intentPayload());
    statement.setString(i++, e.subject());
    setNullableString(statement, i++, s.callbackUrl());
    statement.setString(i++, e.metadata());
    statement.setString(i++, e.presentation());
    statement.setLong(i++, EpochNanos.of(s.createdAt()));
    statement.setLong(i++, EpochNanos.of(s.modifiedAt()));
    statement.setLong(i++, EpochNanos.of(s.expiresAt()));
    statement.setString(i++, s.status().name());
    statement.setLong(i++, s.tokenGeneration());
    statement.setString(i++, s.tokenDigest());
    statement.setBoolean(i++, s.singleUse());
    setNullableString(statement, i++, s.idempotencyKey());
    setNullableString(statement, i++, s.requestFingerprint());
    setNullableString(statement, i++, e.browser());
    setNullableString(statement, i++, e.challenge());
    statement.setLong(i++, s.version());
    statement.setLong(i++, EpochNanos.of(s.clocks().linkExpiresAt()));
    statement.setLong(i++, nanos(s.clocks().idleTimeout()));
    statement.setLong(i++, nanos(s.clocks().activeLifetime()));
    setNullableString(statement, i++, e.recovery());
    setNullableString(statement, i++, e.accessLog());
    setNullableString(statement, i++, e.userId());
    return i;
  }

  /** @throws HandoffException {@link ErrorCode#INVALID_REQUEST} for a duration of 292 years or more */
  private static long nanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "durations must be under 292 years to be stored");
    }
  }

  static void setNullableString(PreparedStatement statement, int index, String value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, value);
    }
  }

  /**
   * The session in the current row of {@code rs}, selected with {@link #COLUMNS}.
   *
   * @throws HandoffException {@link ErrorCode#STORAGE_UNAVAILABLE} if the row does not hold a valid session
   */
  static StoredSession read(ResultSet rs) throws SQLException {
    try {
      String idempotencyKey = rs.getString(16);
      return StoredSession.builder()
          .tenant(rs.getString(1))
          .id(rs.getString(2))
          .intent(new Intent(rs.getString(3), jsonObject(rs.getString(4))))
          .subject(SubjectJson.read(rs.getString(5)))
          .callbackUrl(rs.getString(6))
          .metadata(jsonObject(rs.getString(7)))
          .presentation(jsonObject(rs.getString(8)))
          .createdAt(EpochNanos.toInstant(rs.getLong(9)))
          .modifiedAt(EpochNanos.toInstant(rs.getLong(10)))
          .expiresAt(EpochNanos.toInstant(rs.getLong(11)))
          .status(SessionStatus.valueOf(rs.getString(12)))
          .tokenGeneration(rs.getLong(13))
          .tokenDigest(rs.getString(14))
          .singleUse(rs.getBoolean(15))
          .idempotency(idempotencyKey, rs.getString(17))
          .browser(HostedStateJson.readBrowser(rs.getString(18)))
          .challenge(HostedStateJson.readChallenge(rs.getString(19)))
          .version(rs.getLong(20))
          .clocks(clocks(rs))
          .recovery(LifecycleJson.readRecovery(rs.getString(24)))
          .accessLog(LifecycleJson.readAccessLog(rs.getString(25)))
          .build();
    } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
      throw new HandoffException(ErrorCode.STORAGE_UNAVAILABLE, "a stored session row is corrupt", e);
    }
  }

  /** {@link Json#parseObject}, without a parser for the usual empty object. */
  private static Map<String, Object> jsonObject(String text) {
    return "{}".equals(text) ? Map.of() : Json.parseObject(text);
  }

  /**
   * The clocks of the row, or {@code null} for a row written before the V2 migration (or by a node still running
   * the version before): the builder then derives them as that version meant, {@link SessionClocks#single}.
   */
  private static SessionClocks clocks(ResultSet rs) throws SQLException {
    long link = rs.getLong(21);
    if (rs.wasNull()) {
      return null;
    }
    return new SessionClocks(EpochNanos.toInstant(link), Duration.ofNanos(rs.getLong(22)),
        Duration.ofNanos(rs.getLong(23)));
  }

  private static void checkSize(Encoded e, int maxBytes) {
    StoredSession s = e.session();
    long bytes = utf8Length(s.tenant()) + utf8Length(s.id()) + utf8Length(s.intent().type())
        + utf8Length(e.intentPayload()) + utf8Length(e.subject()) + utf8Length(s.callbackUrl())
        + utf8Length(e.metadata()) + utf8Length(e.presentation()) + utf8Length(s.tokenDigest())
        + utf8Length(s.idempotencyKey()) + utf8Length(s.requestFingerprint()) + utf8Length(e.browser())
        + utf8Length(e.challenge()) + utf8Length(e.recovery()) + utf8Length(e.accessLog());
    if (bytes > maxBytes) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST,
          "the session is too large to store: " + bytes + " bytes of text, at most " + maxBytes);
    }
  }

  /** The UTF-8 length of {@code text} ({@code null}: 0) without encoding it; lone surrogates count as '?'. */
  static long utf8Length(String text) {
    if (text == null) {
      return 0;
    }
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += Character.isSurrogate(c) ? 1 : 3;
      }
    }
    return bytes;
  }

  private static void checkKeyLengths(StoredSession s, String userId) {
    checkLength("tenant", s.tenant());
    checkLength("id", s.id());
    if (s.idempotencyKey() != null) {
      checkLength("idempotencyKey", s.idempotencyKey());
    }
    if (userId != null && utf8Length(userId) > MAX_USER_ID_BYTES) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "the user id must be at most " + MAX_USER_ID_BYTES
          + " bytes of escaped UTF-8 to be stored");
    }
  }

  private static void checkLength(String name, String value) {
    if (value.length() > MAX_KEY_LENGTH) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST,
          name + " must be at most " + MAX_KEY_LENGTH + " characters to be stored, got " + value.length());
    }
  }
}
