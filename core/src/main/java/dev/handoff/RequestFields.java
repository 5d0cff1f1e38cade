package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Intent;
import dev.handoff.spi.Json;
import dev.handoff.spi.Subject;
import java.util.Map;

/**
 * The rules for the fields of requests, which come from untrusted input: each turns a malformed value into a
 * {@link HandoffException} with a message naming the field, never an {@link IllegalArgumentException}.
 */
final class RequestFields {
  static final int MAX_TENANT_LENGTH = 128;
  static final int MAX_ID_LENGTH = 128;
  static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

  private RequestFields() {}

  static String tenant(String tenant) {
    return printable(tenant, "tenant", MAX_TENANT_LENGTH);
  }

  static Subject.ExistingUser existingUser(String userId) {
    return new Subject.ExistingUser(printable(userId, "user", MAX_ID_LENGTH));
  }

  static String idempotencyKey(String key) {
    return printable(key, "idempotencyKey", MAX_IDEMPOTENCY_KEY_LENGTH);
  }

  static Intent intent(String type, Map<String, ?> payload) {
    if (type == null || payload == null) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "intent needs a type and a payload");
    }
    try {
      Intent.of(type);
    } catch (IllegalArgumentException e) {
      throw new HandoffException(ErrorCode.UNPROCESSABLE, "unknown intent type");
    }
    return new Intent(type, json(payload, "intent payload"));
  }

  static Map<String, Object> json(Map<String, ?> value, String field) {
    if (value == null) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, field + " must not be null");
    }
    try {
      return Json.copyOf(value);
    } catch (IllegalArgumentException e) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, field + ": " + e.getMessage());
    }
  }

  /** 1 to {@code max} characters, none of them a control character or white space at either end. */
  private static String printable(String value, String field, int max) {
    if (value == null || value.isEmpty() || value.length() > max || !value.strip().equals(value)
        || value.chars().anyMatch(Character::isISOControl)) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST,
          field + " must be 1 to " + max + " printable characters without surrounding white space");
    }
    return value;
  }
}
