package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Intent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
 *     .displayName("Subscribe to plan {plan}")
 *     .displayName(Locale.GERMAN, "Tarif {plan} abonnieren")
 *     .label("plan", "Plan")
 *     .label(Locale.GERMAN, "plan", "Tarif")
 *     .build();
 * }</pre>
 *
 * <p>The display name and the field labels are what the hosted page shows the end user instead of the type name
 * and the field keys; {@code {field}} in a display name stands for that field's value. Fields without a label are
 * not shown.
 *
 * <p>Recovery is off unless {@link Builder#recovery} turns it on for the type: then, when a link of such a
 * session has expired or was used, or its browser session ended, the hosted page offers to continue by email, and
 * a one-time code sent to the session's user leads into a replacement session with the same intent.
 *
 * <p>Immutable and thread-safe.
 */
public final class IntentType {
  /** The most recoveries {@link Builder#recovery} allows in one chain of replacements. */
  public static final int MAX_RECOVERIES = 10;

  private static final Set<Class<?>> FIELD_TYPES =
      Set.of(String.class, Boolean.class, Long.class, BigDecimal.class, Number.class, Map.class, List.class);

  private final String name;
  private final Map<String, Field> fields;
  private final boolean allowsUnknownFields;
  private final List<Rule> rules;
  /** By language tag ({@code ""} for the default), as given. */
  private final Map<String, String> displayNames;
  /** By language tag, then field. */
  private final Map<String, Map<String, String>> labels;
  private final int maxRecoveries;
  private final boolean recoversWithoutUser;
  /** Computed once: every page that shows a session of this type asks for them. */
  private final List<String> labelledFields;

  private record Field(Class<?> type, boolean required) {}

  private record Rule(Predicate<Map<String, Object>> test, String message) {}

  private IntentType(Builder b) {
    this.name = b.name;
    this.fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.fields)); // declaration order
    this.allowsUnknownFields = b.allowsUnknownFields;
    this.rules = List.copyOf(b.rules);
    this.displayNames = Map.copyOf(b.displayNames);
    var labels = new LinkedHashMap<String, Map<String, String>>();
    b.labels.forEach((tag, byField) -> labels.put(tag, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byField))));
    this.labels = Map.copyOf(labels);
    this.maxRecoveries = b.maxRecoveries;
    this.recoversWithoutUser = b.recoversWithoutUser;
    // From the builder's maps, in the order labels were given: Map.copyOf's order may differ from one run to the next.
    var labelled = new java.util.LinkedHashSet<String>();
    for (String field : fields.keySet()) {
      if (b.labels.values().stream().anyMatch(byField -> byField.containsKey(field))) {
        labelled.add(field);
      }
    }
    b.labels.values().forEach(byField -> labelled.addAll(byField.keySet()));
    this.labelledFields = List.copyOf(labelled);
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

  /**
   * The name to show the end user in {@code locale}: the one given for the locale, else for its language, else
   * the default one; empty when none was given. May hold {@code {field}} placeholders for payload values.
   */
  public Optional<String> displayName(Locale locale) {
    return Optional.ofNullable(localised(displayNames, locale));
  }

  /**
   * The label of a payload field in {@code locale}, found like {@link #displayName}; empty when the field has no
   * label, in which case the hosted page does not show it.
   */
  public Optional<String> label(String field, Locale locale) {
    Objects.requireNonNull(field, "field");
    for (String tag : candidates(locale)) {
      Map<String, String> byField = labels.get(tag);
      if (byField != null && byField.containsKey(field)) {
        return Optional.of(byField.get(field));
      }
    }
    return Optional.empty();
  }

  /** The fields with a label in some locale: declared ones in declaration order, then undeclared ones. */
  public List<String> labelledFields() {
    return labelledFields;
  }

  /**
   * How many times a session of this type, and then its replacement, and so on, may be recovered: 0 (the default)
   * when recovery is off.
   */
  public int maxRecoveries() {
    return maxRecoveries;
  }

  /** Whether sessions without a user may be recovered too (by a known user of the tenant who signs in). */
  public boolean recoversWithoutUser() {
    return recoversWithoutUser;
  }

  private static String localised(Map<String, String> byTag, Locale locale) {
    for (String tag : candidates(locale)) {
      String value = byTag.get(tag);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  private static List<String> candidates(Locale locale) {
    Objects.requireNonNull(locale, "locale");
    return List.of(locale.toLanguageTag(), locale.getLanguage(), "");
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
    private final Map<String, String> displayNames = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> labels = new LinkedHashMap<>();
    private boolean allowsUnknownFields;
    private int maxRecoveries;
    private boolean recoversWithoutUser;

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

    /**
     * The name the hosted page shows for this intent, e.g. {@code "Subscribe to plan {plan}"}: {@code {field}}
     * stands for the payload field's value. At most 200 characters, once per builder.
     */
    public Builder displayName(String displayName) {
      return displayName(Locale.ROOT, displayName);
    }

    /** The display name in one locale (a language, or a language and region), once per locale. */
    public Builder displayName(Locale locale, String displayName) {
      String tag = tag(locale);
      if (displayNames.putIfAbsent(tag, text(displayName, "displayName")) != null) {
        throw new IllegalStateException("display name for locale '" + tag + "' given twice in intent " + name);
      }
      return this;
    }

    /** The label the hosted page shows for a payload field, e.g. {@code label("plan", "Plan")}; once per field. */
    public Builder label(String field, String label) {
      return label(Locale.ROOT, field, label);
    }

    /** The label of a payload field in one locale, once per field and locale. */
    public Builder label(Locale locale, String field, String label) {
      Objects.requireNonNull(field, "field");
      String tag = tag(locale);
      if (labels.computeIfAbsent(tag, t -> new LinkedHashMap<>()).putIfAbsent(field, text(label, "label")) != null) {
        throw new IllegalStateException("label of '" + field + "' for locale '" + tag + "' given twice in intent "
            + name);
      }
      return this;
    }

    /**
     * Lets the hosted page offer "continue by email" for sessions of this type whose link expired or was used,
     * or whose browser session ended (signed out, idle or past its lifetime), but not for completed or revoked
     * ones. The end user receives a one-time code at the session's user's email address (the user's, or the
     * {@code userDetails} email); the right code ends the original and opens a replacement with the same intent,
     * payload, callback and metadata for that user. See {@link Handoff#recoveryForLink}.
     *
     * @param maxRecoveries how often a session may be replaced in a chain (the replacement of a replacement
     *     counts twice), 1 to {@value IntentType#MAX_RECOVERIES}
     */
    public Builder recovery(int maxRecoveries) {
      if (maxRecoveries < 1 || maxRecoveries > MAX_RECOVERIES) {
        throw new IllegalArgumentException("maxRecoveries must be 1 to " + MAX_RECOVERIES);
      }
      if (this.maxRecoveries != 0) {
        throw new IllegalStateException("recovery given twice in intent " + name);
      }
      this.maxRecoveries = maxRecoveries;
      return this;
    }

    /**
     * Lets sessions created without a user be recovered as well: the end user signs in with any email that a user
     * of the tenant has, and the replacement is that user's (as a sign-in on the original would have been). Needs
     * {@link #recovery}.
     */
    public Builder recoveryWithoutUser() {
      recoversWithoutUser = true;
      return this;
    }

    private static String tag(Locale locale) {
      Objects.requireNonNull(locale, "locale");
      return locale.equals(Locale.ROOT) ? "" : locale.toLanguageTag();
    }

    private static String text(String text, String what) {
      Objects.requireNonNull(text, what);
      if (text.isBlank() || text.length() > 200 || text.codePoints().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException(what + " must be 1 to 200 characters without control characters");
      }
      return text;
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

    /**
     * @throws IllegalStateException if a label names a field that was not declared (unless unknown fields are
     *     allowed), or {@link #recoveryWithoutUser} was given without {@link #recovery}
     */
    public IntentType build() {
      if (recoversWithoutUser && maxRecoveries == 0) {
        throw new IllegalStateException("recoveryWithoutUser needs recovery(maxRecoveries) in intent " + name);
      }
      if (!allowsUnknownFields) {
        for (var byField : labels.values()) {
          for (String field : byField.keySet()) {
            if (!fields.containsKey(field)) {
              throw new IllegalStateException("label for undeclared field '" + field + "' in intent " + name);
            }
          }
        }
      }
      return new IntentType(this);
    }
  }
}
