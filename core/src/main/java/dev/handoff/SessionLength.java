package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Parses a session length as the seeds write it: {@code "30m"}, {@code "1h"}, {@code "2d"}, or ISO-8601 {@code "PT30M"}. */
final class SessionLength {
  private static final Pattern SHORT = Pattern.compile("([0-9]{1,7})([smhdw])");

  private SessionLength() {}

  static Duration parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 32) {
      throw invalid(text);
    }
    var m = SHORT.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofDays(7 * n);
      };
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw invalid(text);
    }
  }

  private static HandoffException invalid(String text) {
    return new HandoffException(ErrorCode.INVALID_REQUEST,
        "session length must look like 30m, 1h, 2d or PT30M; got " + (text == null ? "nothing" : "'" + text + "'"));
  }
}
