package dev.handoff.storage.jdbc;

import dev.handoff.spi.Json;
import dev.handoff.spi.Subject;
import dev.handoff.spi.UserDetails;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a {@link Subject} is stored: a JSON object whose {@code "kind"} names the variant. Stateless.
 *
 * <pre>
 * {"kind":"anonymous"}
 * {"kind":"existingUser","userId":"usr_1"}
 * {"kind":"newUser","email":"ann@example.com","name":"Ann","attributes":{...}}
 * </pre>
 */
final class SubjectJson {
  /** The values of {@code "kind"}, read without a copy. */
  private static final List<String> KINDS = List.of("existingUser", "anonymous", "newUser");

  private SubjectJson() {}

  static String write(Subject subject) {
    if (subject instanceof Subject.ExistingUser existing) {
      return "{\"kind\":\"existingUser\",\"userId\":" + Json.write(existing.userId()) + '}';
    }
    var json = new LinkedHashMap<String, Object>();
    if (subject instanceof Subject.NewUser created) {
      json.put("kind", "newUser");
      json.put("email", created.details().email());
      json.put("name", created.details().name());
      json.put("attributes", created.details().attributes());
    } else {
      json.put("kind", "anonymous");
    }
    return Json.write(json);
  }

  /**
   * The {@code user_id} column: an existing user's id as it appears inside the subject's JSON (escaped, without
   * the quotes), or {@code null} for another subject. The escaping is exact and leaves no NUL (which PostgreSQL
   * text cannot hold), and it let the V2 migration fill the column from the subject column with a plain
   * {@code SUBSTRING}.
   */
  static String userIdColumn(Subject subject) {
    return subject instanceof Subject.ExistingUser existing ? userIdColumn(existing.userId()) : null;
  }

  /** The {@code user_id} column of the sessions of the existing user {@code userId}. */
  static String userIdColumn(String userId) {
    String quoted = Json.write(userId);
    return quoted.substring(1, quoted.length() - 1);
  }

  /** @throws IllegalArgumentException if {@code text} is not a subject this class wrote */
  static Subject read(String text) {
    // Read in place (every find decodes it); a new user's attributes are general JSON, read by Json below.
    String kind = null;
    String userId = null;
    var cursor = new JsonCursor(text);
    cursor.beginObject();
    while (cursor.nextField()) {
      if (cursor.nameIs("kind")) {
        kind = cursor.string(KINDS);
      } else if (cursor.nameIs("userId")) {
        userId = cursor.string();
      } else {
        cursor.skipValue();
      }
    }
    cursor.end();
    if ("existingUser".equals(kind)) {
      return new Subject.ExistingUser(userId);
    }
    if ("anonymous".equals(kind)) {
      return Subject.ANONYMOUS;
    }
    if ("newUser".equals(kind)) {
      return readNewUser(text);
    }
    throw new IllegalArgumentException("unknown subject kind: " + kind);
  }

  @SuppressWarnings("unchecked")
  private static Subject readNewUser(String text) {
    Map<String, Object> json = Json.parseObject(text);
    return new Subject.NewUser(new UserDetails((String) json.get("email"), (String) json.get("name"),
        (Map<String, Object>) json.get("attributes")));
  }
}
