package dev.handoff.storage.jdbc;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Intent;
import dev.handoff.spi.Json;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * The mapping between a {@link StoredSession} and a row: column list, parameter binding and reading. Only the
 * token digest is stored; the SPI never hands a store the token itself. Stateless.
 */
final class SessionRows {
  /** Every column, in the order {@link #bindAll} binds and {@link #read} reads them. */
  static final String COLUMNS = "tenant, id, intent_type, intent_payload, subject, callback_url, metadata, "
      + "presentation, created_at_ns, modified_at_ns, expires_at_ns, status, token_generation, token_digest, single_use, "
      + "idempotency_key, request_fingerprint, browser, challenge, row_version";
  /** Every column but the key, as {@code column = ?} for an {@code UPDATE}, in {@link #bindContent} order. */
  static final String CONTENT_ASSIGNMENTS = "intent_type = ?, intent_payload = ?, subject = ?, callback_url = ?, "
      + "metadata = ?, presentation = ?, created_at_ns = ?, modified_at_ns = ?, expires_at_ns = ?, status = ?, "
      + "token_generation = ?, token_digest = ?, single_use = ?, idempotency_key = ?, request_fingerprint = ?, "
      + "browser = ?, challenge = ?, row_version = ?";
  static final int COLUMN_COUNT = 20;
  /** Longest tenant, id or idempotency key the schemas hold. */
  static final int MAX_KEY_LENGTH = 255;

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
    return i;
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
          .build();
    } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
      throw new HandoffException(ErrorCode.STORAGE_UNAVAILABLE, "a stored session row is corrupt", e);
    }
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
        + utf8Length(HostedStateJson.writeChallenge(s.challenge()));
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
  }

  private static void checkLength(String name, String value) {
    if (value.length() > MAX_KEY_LENGTH) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST,
          name + " must be at most " + MAX_KEY_LENGTH + " characters to be stored, got " + value.length());
    }
  }
}
