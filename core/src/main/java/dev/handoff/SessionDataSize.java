package dev.handoff;

import dev.handoff.spi.Intent;
import dev.handoff.spi.Json;
import dev.handoff.spi.Subject;
import dev.handoff.spi.UserDetails;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The size of what a session carries for its embedder (intent payload, metadata, user details), counted as the
 * bytes of their compact JSON in UTF-8, which is about what every store keeps. Stateless.
 */
final class SessionDataSize {
  private SessionDataSize() {}

  static long of(Intent intent, Map<String, Object> metadata, Subject subject) {
    long bytes = utf8Length(Json.write(intent.payload())) + utf8Length(Json.write(metadata));
    if (subject instanceof Subject.NewUser n) {
      UserDetails d = n.details();
      var details = new LinkedHashMap<String, Object>();
      details.put("email", d.email());
      details.put("name", d.name());
      details.put("attributes", d.attributes());
      bytes += utf8Length(Json.write(details));
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
