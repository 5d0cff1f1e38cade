package dev.handoff.storage.redis;

import dev.handoff.spi.Json;
import dev.handoff.spi.Subject;
import dev.handoff.spi.UserDetails;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a {@link Subject} is stored: a JSON object whose {@code "kind"} names the variant (the JDBC store's format).
 * Stateless.
 *
 * <pre>
 * {"kind":"anonymous"}
 * {"kind":"existingUser","userId":"usr_1"}
 * {"kind":"newUser","email":"ann@example.com","name":"Ann","attributes":{...}}
 * </pre>
 */
final class SubjectJson {
  private static final String ANONYMOUS = "{\"kind\":\"anonymous\"}";

  private SubjectJson() {}

  static String write(Subject subject) {
    if (subject instanceof Subject.ExistingUser existing) {
      var json = new LinkedHashMap<String, Object>();
      json.put("kind", "existingUser");
      json.put("userId", existing.userId());
      return Json.write(json);
    }
    if (subject instanceof Subject.NewUser created) {
      var json = new LinkedHashMap<String, Object>();
      json.put("kind", "newUser");
      json.put("email", created.details().email());
      json.put("name", created.details().name());
      json.put("attributes", created.details().attributes());
      return Json.write(json);
    }
    return ANONYMOUS;
  }

  /** @throws IllegalArgumentException if {@code text} is not a subject this class wrote */
  @SuppressWarnings("unchecked")
  static Subject read(String text) {
    if (ANONYMOUS.equals(text)) {
      return Subject.ANONYMOUS;
    }
    Map<String, Object> json = Json.parseObject(text);
    Object kind = json.get("kind");
    if ("anonymous".equals(kind)) {
      return Subject.ANONYMOUS;
    }
    if ("existingUser".equals(kind)) {
      return new Subject.ExistingUser((String) json.get("userId"));
    }
    if ("newUser".equals(kind)) {
      return new Subject.NewUser(new UserDetails((String) json.get("email"), (String) json.get("name"),
          (Map<String, Object>) json.get("attributes")));
    }
    throw new IllegalArgumentException("unknown subject kind: " + kind);
  }
}
