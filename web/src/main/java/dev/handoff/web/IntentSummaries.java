package dev.handoff.web;

import dev.handoff.IntentRegistry;
import dev.handoff.IntentType;
import dev.handoff.spi.Intent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What an intent means to the end user: its registered display name with {@code {field}} filled in, and its
 * labelled fields. Without a registered display name the type name is spelled out ("checkoutNewSubscription" →
 * "Checkout new subscription"); without any label, the payload's plain values are shown under spelled-out keys.
 * Values are text here; the renderer escapes them.
 */
final class IntentSummaries {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.-]{1,64})}");
  // Compiled once, as PLACEHOLDER: String.replaceAll compiles its pattern on every call, on every page.
  private static final Pattern SPACES = Pattern.compile("\\s{2,}");

  private final IntentRegistry registry;

  IntentSummaries(IntentRegistry registry) {
    this.registry = registry;
  }

  HostedPage.IntentSummary summarise(Intent intent, Locale locale) {
    Optional<IntentType> type = registry == null ? Optional.empty() : registry.find(intent.type());
    Map<String, Object> payload = intent.payload();
    String title = type.flatMap(t -> t.displayName(locale))
        .map(name -> fill(name, payload))
        .orElseGet(() -> spellOut(intent.type()));
    var details = new ArrayList<HostedPage.Detail>();
    List<String> labelled = type.isEmpty() ? List.of() : type.get().labelledFields();
    if (!labelled.isEmpty()) {
      for (String field : labelled) {
        String value = text(payload.get(field));
        String label = type.get().label(field, locale).orElse(null);
        if (value != null && label != null) {
          details.add(new HostedPage.Detail(label, value));
        }
      }
    } else {
      payload.forEach((field, raw) -> {
        String value = raw instanceof Map || raw instanceof List ? null : text(raw);
        if (value != null) {
          details.add(new HostedPage.Detail(spellOut(field), value));
        }
      });
    }
    return new HostedPage.IntentSummary(title, details);
  }

  private static String fill(String displayName, Map<String, Object> payload) {
    Matcher m = PLACEHOLDER.matcher(displayName);
    var out = new StringBuilder();
    while (m.find()) {
      String value = text(payload.get(m.group(1)));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
    }
    m.appendTail(out);
    return SPACES.matcher(out).replaceAll(" ").strip();
  }

  /** A payload value as text: scalars as such, lists of scalars joined; nested maps are not shown. */
  private static String text(Object value) {
    if (value == null || value instanceof Map) {
      return null;
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof List<?> list) {
      String joined = list.stream().map(IntentSummaries::text).filter(v -> v != null)
          .collect(Collectors.joining(", "));
      return joined.isEmpty() ? null : joined;
    }
    String text = String.valueOf(value).strip();
    return text.isEmpty() ? null : text;
  }

  /** {@code checkoutNewSubscription} or {@code new_plan} as words: "Checkout new subscription", "New plan". */
  static String spellOut(String name) {
    // A loop rather than a regex: it runs for the intent and each of its fields on every page that shows them.
    var words = new StringBuilder(name.length() + 8);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (i > 0 && c >= 'A' && c <= 'Z' && isLowerOrDigit(name.charAt(i - 1))) {
        words.append(' ');
      }
      words.append(c == '_' || c == '-' ? ' ' : c);
    }
    String spelled = words.toString().strip().toLowerCase(Locale.ROOT);
    return spelled.isEmpty() ? name : Character.toUpperCase(spelled.charAt(0)) + spelled.substring(1);
  }

  private static boolean isLowerOrDigit(char c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
  }
}
