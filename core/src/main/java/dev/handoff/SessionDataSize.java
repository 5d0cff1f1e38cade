package dev.handoff;

import dev.handoff.spi.Intent;
import dev.handoff.spi.Json;
import dev.handoff.spi.Subject;
import dev.handoff.spi.UserDetails;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The size of what a session carries for its embedder (intent payload, metadata, user details), counted as the
 * bytes of their compact JSON in UTF-8, which is about what every store keeps. Stateless.
 *
 * <p>The bytes {@link Json#write} would produce are counted without writing them: writing the text only to measure
 * it took a seventh of the CPU time of a create (JFR of {@code EngineBenchmark.create}).
 */
final class SessionDataSize {
  private SessionDataSize() {}

  static long of(Intent intent, Map<String, Object> metadata, Subject subject) {
    long bytes = jsonBytes(intent.payload()) + jsonBytes(metadata);
    if (subject instanceof Subject.NewUser n) {
      UserDetails d = n.details();
      var details = new LinkedHashMap<String, Object>();
      details.put("email", d.email());
      details.put("name", d.name());
      details.put("attributes", d.attributes());
      bytes += jsonBytes(details);
    }
    return bytes;
  }

  /** The UTF-8 length of {@code Json.write(value)}, for the JSON-shaped trees {@link Json#copyOf} returns. */
  static long jsonBytes(Object value) {
    if (value == null) {
      return 4;
    }
    if (value instanceof String s) {
      return stringBytes(s);
    }
    if (value instanceof Boolean || value instanceof Long || value instanceof Integer
        || value instanceof BigDecimal) {
      return value.toString().length(); // ASCII
    }
    if (value instanceof Map<?, ?> m) {
      long bytes = 2 + Math.max(0, m.size() - 1); // braces and commas
      for (var e : m.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          return utf8Length(Json.write(value)); // not JSON-shaped: Json.write refuses it as it always did
        }
        bytes += stringBytes(key) + 1 + jsonBytes(e.getValue());
      }
      return bytes;
    }
    if (value instanceof List<?> l) {
      long bytes = 2 + Math.max(0, l.size() - 1);
      for (Object item : l) {
        bytes += jsonBytes(item);
      }
      return bytes;
    }
    return utf8Length(Json.write(value));
  }

  /** A string as {@link Json#write} escapes it, quotes included. */
  private static long stringBytes(String s) {
    long bytes = 2;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t') {
        bytes += 2;
      } else if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)) {
        bytes += 6; // \u0000
      } else if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static long utf8Length(String s) {
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
