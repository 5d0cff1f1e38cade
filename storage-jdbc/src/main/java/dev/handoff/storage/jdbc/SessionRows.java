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

  /** Binds all columns of {@code s} from parameter 1 on; returns the next free parameter index. */
  static int bindAll(PreparedStatement statement, StoredSession s) throws SQLException {
    statement.setString(1, s.tenant());
    statement.setString(2, s.id());
    return bindContent(statement, 3, s);
  }

  /** Binds every column but tenant and id from parameter {@code first} on; returns the next free index. */
  static int bindContent(PreparedStatement statement, int first, StoredSession s) throws SQLException {
    int i = first;
    statement.setString(i++, s.intent().type());
    statement.setString(i++, Json.write(s.intent().payload()));
    statement.setString(i++, SubjectJson.write(s.subject()));
    setNullableString(statement, i++, s.callbackUrl());
    statement.setString(i++, Json.write(s.metadata()));
    statement.setString(i++, Json.write(s.presentation()));
    statement.setLong(i++, EpochNanos.of(s.createdAt()));
    statement.setLong(i++, EpochNanos.of(s.modifiedAt()));
    statement.setLong(i++, EpochNanos.of(s.expiresAt()));
    statement.setString(i++, s.status().name());
    statement.setLong(i++, s.tokenGeneration());
    statement.setString(i++, s.tokenDigest());
    statement.setBoolean(i++, s.singleUse());
    setNullableString(statement, i++, s.idempotencyKey());
    setNullableString(statement, i++, s.requestFingerprint());
    setNullableString(statement, i++, HostedStateJson.writeBrowser(s.browser()));
    setNullableString(statement, i++, HostedStateJson.writeChallenge(s.challenge()));
    statement.setLong(i++, s.version());
    statement.setLong(i++, EpochNanos.of(s.clocks().linkExpiresAt()));
    statement.setLong(i++, nanos(s.clocks().idleTimeout()));
    statement.setLong(i++, nanos(s.clocks().activeLifetime()));
    setNullableString(statement, i++, LifecycleJson.writeRecovery(s.recovery()));
    setNullableString(statement, i++, LifecycleJson.writeAccessLog(s.accessLog()));
    setNullableString(statement, i++, SubjectJson.userIdColumn(s.subject()));
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
          .intent(new Intent(rs.getString(3), Json.parseObject(rs.getString(4))))
          .subject(SubjectJson.read(rs.getString(5)))
          .callbackUrl(rs.getString(6))
          .metadata(Json.parseObject(rs.getString(7)))
          .presentation(Json.parseObject(rs.getString(8)))
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

  /**
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} if the session's stored text (every string and
   *     JSON column, in UTF-8) exceeds {@code maxBytes}
   */
  static void checkSize(StoredSession s, int maxBytes) {
    long bytes = utf8Length(s.tenant()) + utf8Length(s.id()) + utf8Length(s.intent().type())
        + utf8Length(Json.write(s.intent().payload())) + utf8Length(SubjectJson.write(s.subject()))
        + utf8Length(s.callbackUrl()) + utf8Length(Json.write(s.metadata()))
        + utf8Length(Json.write(s.presentation())) + utf8Length(s.tokenDigest()) + utf8Length(s.idempotencyKey())
        + utf8Length(s.requestFingerprint()) + utf8Length(HostedStateJson.writeBrowser(s.browser()))
        + utf8Length(HostedStateJson.writeChallenge(s.challenge()))
        + utf8Length(LifecycleJson.writeRecovery(s.recovery()))
        + utf8Length(LifecycleJson.writeAccessLog(s.accessLog()));
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

  /** @throws HandoffException {@link ErrorCode#INVALID_REQUEST} if a key column would not fit its column */
  static void checkKeyLengths(StoredSession s) {
    checkLength("tenant", s.tenant());
    checkLength("id", s.id());
    if (s.idempotencyKey() != null) {
      checkLength("idempotencyKey", s.idempotencyKey());
    }
    String userId = SubjectJson.userIdColumn(s.subject());
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
