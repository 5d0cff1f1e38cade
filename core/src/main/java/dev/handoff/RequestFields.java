package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Intent;
import dev.handoff.spi.Json;
import dev.handoff.spi.Subject;
import dev.handoff.spi.UserDetails;
import java.util.List;
import java.util.Map;

/**
 * The one validation of untrusted text in Handoff, applied in core before any store or user directory sees it, so
 * that every store answers the same: a malformed value becomes a {@link HandoffException} with
 * {@link ErrorCode#INVALID_REQUEST} and a message naming the field, never an {@link IllegalArgumentException} or a
 * {@link NullPointerException}.
 *
 * <ul>
 *   <li><b>Identifiers</b> (tenant, session and user ids, idempotency keys, emails, cursors, JSON keys): no
 *       control character (C0, DEL, C1), no unpaired surrogate, no bidi control (U+061C, U+200E, U+200F,
 *       U+202A–U+202E, U+2066–U+2069). Database drivers fold lone surrogates into {@code ?} or another letter,
 *       which would let two tenants' identifiers meet; bidi controls make one identifier look like another.</li>
 *   <li><b>Text</b> (string values of payloads, metadata, user details): no unpaired surrogate and no control
 *       character but tab, line feed and carriage return.</li>
 * </ul>
 */
final class RequestFields {
  static final int MAX_TENANT_LENGTH = 128;
  static final int MAX_ID_LENGTH = 128;
  static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
  static final int MAX_CURSOR_LENGTH = 256;

  private RequestFields() {}

  static String tenant(String tenant) {
    return identifier(tenant, "tenant", MAX_TENANT_LENGTH);
  }

  static String sessionId(String sessionId) {
    return identifier(sessionId, "sessionId", MAX_ID_LENGTH);
  }

  static Subject.ExistingUser existingUser(String userId) {
    return new Subject.ExistingUser(identifier(userId, "user", MAX_ID_LENGTH));
  }

  static String idempotencyKey(String key) {
    return identifier(key, "idempotencyKey", MAX_IDEMPOTENCY_KEY_LENGTH);
  }

  static String cursor(String cursor) {
    return cursor == null ? null : identifier(cursor, "cursor", MAX_CURSOR_LENGTH);
  }

  static Intent intent(String type, Map<String, ?> payload) {
    if (type == null || payload == null) {
      throw invalid("intent needs a type and a payload");
    }
    try {
      Intent.of(type);
    } catch (IllegalArgumentException e) {
      throw new HandoffException(ErrorCode.UNPROCESSABLE, "unknown intent type");
    }
    return new Intent(type, json(payload, "intent payload"));
  }

  /** An intent built by the caller: its type is checked by {@link Intent}, its payload here. */
  static Intent intent(Intent intent) {
    required(intent, "intent");
    jsonText(intent.payload(), "intent payload");
    return intent;
  }

  static Map<String, Object> json(Map<String, ?> value, String field) {
    required(value, field);
    Map<String, Object> copy;
    try {
      copy = Json.copyOf(value);
    } catch (IllegalArgumentException e) {
      throw invalid(field + ": " + e.getMessage());
    }
    jsonText(copy, field);
    return copy;
  }

  static UserDetails userDetails(UserDetails details) {
    required(details, "userDetails");
    email(details.email());
    if (details.name() != null) {
      text(details.name(), "userDetails.name");
    }
    jsonText(details.attributes(), "userDetails.attributes");
    return details;
  }

  /** A plausible email address (see {@link UserDetails}) that is also a clean identifier. */
  static String email(String email) {
    required(email, "email");
    try {
      UserDetails.ofEmail(email);
    } catch (IllegalArgumentException e) {
      throw invalid("email: " + e.getMessage());
    }
    return identifier(email, "email", UserDetails.MAX_EMAIL_LENGTH);
  }

  static <T> T required(T value, String field) {
    if (value == null) {
      throw invalid(field + " is required");
    }
    return value;
  }

  /** Whether {@code value} passes the identifier rule; for input that must fail uniformly, such as secrets. */
  static boolean isIdentifier(String value, int max) {
    return value != null && !value.isEmpty() && value.length() <= max && value.strip().equals(value)
        && cleanIdentifierChars(value);
  }

  /** 1 to {@code max} characters without surrounding white space, passing the identifier rule. */
  private static String identifier(String value, String field, int max) {
    if (!isIdentifier(value, max)) {
      throw invalid(field + " must be 1 to " + max + " printable characters without surrounding white space, "
          + "controls, bidi controls or unpaired surrogates");
    }
    return value;
  }

  private static void text(String value, String field) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
        throw invalid(field + " must not contain control characters other than tab and line breaks");
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
        } else {
          throw invalid(field + " must not contain unpaired surrogates");
        }
      }
    }
  }

  private static void jsonText(Object value, String field) {
    if (value instanceof String s) {
      text(s, field);
    } else if (value instanceof Map<?, ?> map) {
      for (var e : map.entrySet()) {
        String key = (String) e.getKey();
        if (!cleanIdentifierChars(key)) {
          throw invalid(field + " keys must not contain controls, bidi controls or unpaired surrogates");
        }
        jsonText(e.getValue(), field);
      }
    } else if (value instanceof List<?> list) {
      for (Object item : list) {
        jsonText(item, field);
      }
    }
  }

  private static boolean cleanIdentifierChars(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        continue; // printable ASCII, nearly every identifier: none of the checks below can refuse it
      }
      if (Character.isISOControl(c) || isBidiControl(c)) {
        return false;
      }
      if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return false;
        }
        i++;
      }
    }
    return true;
  }

  private static boolean isBidiControl(char c) {
    return c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069');
  }

  private static HandoffException invalid(String message) {
    return new HandoffException(ErrorCode.INVALID_REQUEST, message);
  }
}
