package dev.handoff.storage.redis;

import dev.handoff.spi.Json;
import dev.handoff.spi.UserDetails;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the details of a user to be created ({@code Subject.NewUser}) are stored: one JSON object,
 * {@code {"email":…,"name":…,"attributes":{…}}}. Stateless.
 */
final class NewUserJson {
  private NewUserJson() {}

  static String write(UserDetails details) {
    var json = new LinkedHashMap<String, Object>();
    json.put("email", details.email());
    json.put("name", details.name());
    json.put("attributes", details.attributes());
    return Json.write(json);
  }

  /** @throws IllegalArgumentException if {@code text} is not what {@link #write} wrote */
  @SuppressWarnings("unchecked")
  static UserDetails read(String text) {
    Map<String, Object> json = Json.parseObject(text);
    return new UserDetails((String) json.get("email"), (String) json.get("name"),
        (Map<String, Object>) json.get("attributes"));
  }
}
