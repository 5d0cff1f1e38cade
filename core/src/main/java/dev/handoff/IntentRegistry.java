package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Intent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The intent types an engine accepts. The engine has none built in: the embedding server registers its own.
 * Immutable and thread-safe.
 */
public final class IntentRegistry {
  private final Map<String, IntentType> types;

  private IntentRegistry(Map<String, IntentType> types) {
    this.types = Map.copyOf(types);
  }

  /**
   * A registry of the given types.
   *
   * @throws IllegalArgumentException if none is given or two share a name
   */
  public static IntentRegistry of(IntentType... types) {
    if (types.length == 0) {
      throw new IllegalArgumentException("register at least one intent type");
    }
    var byName = new LinkedHashMap<String, IntentType>();
    for (IntentType type : types) {
      if (byName.putIfAbsent(type.name(), type) != null) {
        throw new IllegalArgumentException("intent type '" + type.name() + "' registered twice");
      }
    }
    return new IntentRegistry(byName);
  }

  /** The names of the registered types. */
  public Set<String> names() {
    return types.keySet();
  }

  /** The registered type of this name, e.g. for its display name and labels. */
  public Optional<IntentType> find(String type) {
    return Optional.ofNullable(types.get(type));
  }

  /**
   * Checks an intent against its registered type.
   *
   * @throws HandoffException {@link ErrorCode#UNPROCESSABLE} for an unknown type or an invalid payload
   */
  void validate(Intent intent) {
    IntentType type = types.get(intent.type());
    if (type == null) {
      throw new HandoffException(ErrorCode.UNPROCESSABLE, "unknown intent type '" + intent.type() + "'");
    }
    type.validate(intent);
  }

  @Override
  public String toString() {
    return "IntentRegistry" + types.keySet();
  }
}
