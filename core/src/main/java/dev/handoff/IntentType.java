package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Intent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One kind of intent the engine accepts, e.g. {@code checkoutNewSubscription} with a required string
 * {@code plan}, and the rules its payload must follow. A payload that breaks them is refused with
 * {@link ErrorCode#UNPROCESSABLE} and a message naming the field.
 *
 * <pre>{@code
 * IntentType checkout = IntentType.builder("checkoutNewSubscription")
 *     .required("plan", String.class)
 *     .optional("addons", List.class)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class IntentType {
  private static final Set<Class<?>> FIELD_TYPES =
      Set.of(String.class, Boolean.class, Long.class, BigDecimal.class, Number.class, Map.class, List.class);

  private final String name;
  private final Map<String, Field> fields;
  private final boolean allowsUnknownFields;
  private final List<Rule> rules;

  private record Field(Class<?> type, boolean required) {}

  private record Rule(Predicate<Map<String, Object>> test, String message) {}

  private IntentType(Builder b) {
    this.name = b.name;
    this.fields = Map.copyOf(b.fields);
    this.allowsUnknownFields = b.allowsUnknownFields;
    this.rules = List.copyOf(b.rules);
  }

  /** Starts an intent type; {@code name} follows {@link Intent}'s rule for type names. */
  public static Builder builder(String name) {
    Intent.of(name); // validates the name with the same rule the SPI enforces
    return new Builder(name);
  }

  /** The intent type's name, as in {@code intent.type}. */
  public String name() {
    return name;
  }

  /** Checks {@code intent}'s payload against this type's fields and rules. */
  void validate(Intent intent) {
    var payload = intent.payload();
    for (var e : fields.entrySet()) {
      Object value = payload.get(e.getKey());
      Field field = e.getValue();
      if (value == null) {
        if (field.required()) {
          throw unprocessable("intent " + name + " requires field '" + e.getKey() + "'");
        }
      } else if (!field.type().isInstance(value) || (value instanceof String s && s.isBlank())) {
        throw unprocessable("intent " + name + " field '" + e.getKey() + "' must be a non-empty "
            + field.type().getSimpleName());
      }
    }
    if (!allowsUnknownFields) {
      for (String key : payload.keySet()) {
        if (!fields.containsKey(key)) {
          throw unprocessable("intent " + name + " has no field '" + key + "'");
        }
      }
    }
    for (Rule rule : rules) {
      if (!rule.test().test(payload)) {
        throw unprocessable("intent " + name + ": " + rule.message());
      }
    }
  }

  private static HandoffException unprocessable(String message) {
    return new HandoffException(ErrorCode.UNPROCESSABLE, message);
  }

  @Override
  public String toString() {
    return "IntentType[" + name + ", fields=" + fields.keySet() + "]";
  }

  /** Builds an {@link IntentType}. Each field may be declared once. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final Map<String, Field> fields = new LinkedHashMap<>();
    private final List<Rule> rules = new ArrayList<>();
    private boolean allowsUnknownFields;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Declares a field the payload must have.
     *
     * @param type one of {@code String, Boolean, Long, BigDecimal, Number, Map, List} (payload numbers are
     *     {@code Long} when integral, else {@code BigDecimal})
     */
    public Builder required(String field, Class<?> type) {
      return field(field, type, true);
    }

    /** Declares a field the payload may have; see {@link #required} for the types. */
    public Builder optional(String field, Class<?> type) {
      return field(field, type, false);
    }

    /** Accepts payload fields that were not declared (by default they are refused). */
    public Builder allowUnknownFields() {
      allowsUnknownFields = true;
      return this;
    }

    /** Adds a rule over the whole payload; when {@code test} is false the payload is refused with {@code message}. */
    public Builder rule(Predicate<Map<String, Object>> test, String message) {
      rules.add(new Rule(Objects.requireNonNull(test, "test"), Objects.requireNonNull(message, "message")));
      return this;
    }

    private Builder field(String field, Class<?> type, boolean required) {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(type, "type");
      if (!FIELD_TYPES.contains(type)) {
        throw new IllegalArgumentException("field type must be one of String, Boolean, Long, BigDecimal, Number,"
            + " Map, List; got " + type.getName());
      }
      if (fields.putIfAbsent(field, new Field(type, required)) != null) {
        throw new IllegalStateException("field '" + field + "' declared twice in intent " + name);
      }
      return this;
    }

    public IntentType build() {
      return new IntentType(this);
    }
  }
}
