package dev.handoff.spi;

import java.util.Map;
import java.util.Objects;

/**
 * What the end user comes to do on the hosted page, e.g. {@code checkoutNewSubscription {plan: "pln_…"}}.
 *
 * <p>The payload is a JSON-shaped tree (see {@link Json}), deep-copied and unmodifiable. Which types exist and
 * what their payloads must contain is decided by the engine's intent registry, not here.
 *
 * @param type the intent type name: 1 to 64 characters of letters, digits, {@code _}, {@code -} or {@code .}
 * @param payload the intent's parameters
 */
public record Intent(String type, Map<String, Object> payload) {
  /** Longest accepted intent type name. */
  public static final int MAX_TYPE_LENGTH = 64;

  public Intent {
    Objects.requireNonNull(type, "type");
    if (type.isEmpty() || type.length() > MAX_TYPE_LENGTH || !isName(type)) {
      throw new IllegalArgumentException(
          "intent type must be 1 to " + MAX_TYPE_LENGTH + " characters of [A-Za-z0-9_.-]");
    }
    payload = Json.copyOf(Objects.requireNonNull(payload, "payload"));
  }

  /** An intent without parameters. */
  public static Intent of(String type) {
    return new Intent(type, Map.of());
  }

  /** A loop, not {@code chars().allMatch}: stores build an intent on every read, and the stream was 4% of one. */
  private static boolean isName(String type) {
    for (int i = 0; i < type.length(); i++) {
      if (!isNameChar(type.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNameChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '-' || c == '.';
  }
}
