package dev.handoff.storage.jdbc;

import dev.handoff.spi.Json;
import java.util.List;

/**
 * A strict pull reader (RFC 8259) for the small JSON values this store writes itself: the browser binding, login
 * challenge, recovery links, access log and subject columns, whose values are strings, integers, {@code null} or
 * (subject attributes only) a nested value to skip. It reads fields in place, without building maps or going
 * through {@code BigDecimal}: these columns are decoded on every {@code find}, and the general
 * {@link Json} parser was half of an H2 lookup's time. Any value of the general shapes (intent
 * payload, metadata, presentation) still goes through {@link Json}.
 *
 * <p>Every malformed input is an {@link IllegalArgumentException}, which the row reader reports as a corrupt row.
 * One instance per value; not thread-safe.
 */
final class JsonCursor {
  /** The least value that may take one more digit without leaving {@code long}: {@code Long.MIN_VALUE / 10}. */
  private static final long MIN_BEFORE_LAST_DIGIT = Long.MIN_VALUE / 10;
  /** The largest digit that may follow {@link #MIN_BEFORE_LAST_DIGIT}: {@code -(Long.MIN_VALUE % 10)}. */
  private static final int MAX_LAST_DIGIT = (int) -(Long.MIN_VALUE % 10);

  private final String s;
  private int pos;
  /** Where the current field name starts and ends (exclusive), quotes excluded. */
  private int nameStart;
  private int nameEnd;
  /** The current field name, decoded, if it held an escape; else {@code null} and the name is read in place. */
  private String escapedName;
  /** Whether the current object or array has had a member yet: the next one needs a comma before it. */
  private boolean afterMember;

  JsonCursor(String text) {
    this.s = text;
  }

  /** Reads {@code '{'}. */
  void beginObject() {
    expect('{');
    afterMember = false;
  }

  /** Reads {@code '['}. */
  void beginArray() {
    expect('[');
    afterMember = false;
  }

  /**
   * Moves to the next field of the current object and reads its name and colon; {@code false} (having read the
   * closing brace) if there is none.
   */
  boolean nextField() {
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      afterMember = true; // the object was a member of an enclosing array, if any
      return false;
    }
    if (afterMember) {
      expect(',');
      skipWhitespace();
    }
    if (peek() != '"') {
      throw error("expected a string key");
    }
    pos++;
    nameStart = pos;
    escapedName = null;
    while (true) {
      char c = next();
      if (c == '"') {
        nameEnd = pos - 1;
        break;
      }
      if (c == '\\' || c < 0x20) {
        pos = nameStart - 1;
        escapedName = string();
        break;
      }
    }
    skipWhitespace();
    expect(':');
    afterMember = true;
    return true;
  }

  /**
   * Moves to the next element of the current array; {@code false} (having read the closing bracket) if there is
   * none.
   */
  boolean nextElement() {
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return false;
    }
    if (afterMember) {
      expect(',');
    }
    afterMember = false; // an element that is an object resets this in beginObject
    return true;
  }

  /** Whether the current field's name is {@code name}. */
  boolean nameIs(String name) {
    if (escapedName != null) {
      return escapedName.equals(name);
    }
    return nameEnd - nameStart == name.length() && s.regionMatches(nameStart, name, 0, name.length());
  }

  /** The current field's value: a string, or {@code null} for JSON {@code null}. */
  String nullableString() {
    skipWhitespace();
    if (peek() == 'n') {
      literal("null");
      return null;
    }
    return string();
  }

  /** The current field's value, a string. */
  String string() {
    return string(List.of());
  }

  /**
   * The current field's value, a string: the very instance of {@code known} that it equals, if it holds no escape
   * (no copy for a field with a few fixed values, such as a kind or a step), else a new string.
   */
  String string(List<String> known) {
    skipWhitespace();
    expect('"');
    int start = pos;
    // Most strings hold no escape: cut them out of the text.
    for (int i = start; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        pos = i + 1;
        for (int k = 0; k < known.size(); k++) {
          String candidate = known.get(k);
          if (candidate.length() == i - start && s.regionMatches(start, candidate, 0, i - start)) {
            return candidate;
          }
        }
        return s.substring(start, i);
      }
      if (c == '\\' || c < 0x20) {
        return escaped(start);
      }
    }
    throw error("unterminated string");
  }

  /** The string literal whose content starts at {@code start} and holds an escape, decoded by {@link Json}. */
  private String escaped(int start) {
    int i = start;
    while (i < s.length() && s.charAt(i) != '"') {
      i += s.charAt(i) == '\\' ? 2 : 1;
    }
    if (i >= s.length()) {
      throw error("unterminated string");
    }
    pos = i + 1;
    return (String) Json.parse(s.substring(start - 1, pos));
  }

  /** The current field's value, an integer that fits a {@code long} (no fraction, no exponent). */
  long longValue() {
    skipWhitespace();
    boolean negative = peek() == '-';
    if (negative) {
      pos++;
    }
    int start = pos;
    long value = 0; // accumulated negatively, so that Long.MIN_VALUE fits
    // Each character read once and the range checked against constants: instants are 19 digits, two or three per
    // row read, so this loop was a third of decoding a browser binding.
    for (; pos < s.length(); pos++) {
      int digit = s.charAt(pos) - '0';
      if (digit < 0 || digit > 9) {
        break;
      }
      if (value < MIN_BEFORE_LAST_DIGIT || (value == MIN_BEFORE_LAST_DIGIT && digit > MAX_LAST_DIGIT)) {
        throw error("integer out of range");
      }
      value = value * 10 - digit;
    }
    if (pos == start || (s.charAt(start) == '0' && pos - start > 1)) {
      throw error("expected an integer");
    }
    if (pos < s.length() && (s.charAt(pos) == '.' || s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      throw error("expected an integer");
    }
    if (negative) {
      return value;
    }
    if (value == Long.MIN_VALUE) {
      throw error("integer out of range");
    }
    return -value;
  }

  /** Skips the current field's value, whatever it is (nested values included). */
  void skipValue() {
    skipWhitespace();
    char c = peek();
    if (c == '"') {
      string();
    } else if (c == '{') {
      boolean saved = afterMember;
      beginObject();
      while (nextField()) {
        skipValue();
      }
      afterMember = saved;
    } else if (c == '[') {
      boolean saved = afterMember;
      beginArray();
      while (nextElement()) {
        skipValue();
        afterMember = true;
      }
      afterMember = saved;
    } else if (c == 't') {
      literal("true");
    } else if (c == 'f') {
      literal("false");
    } else if (c == 'n') {
      literal("null");
    } else {
      skipNumber();
    }
  }

  private void skipNumber() {
    if (peek() == '-') {
      pos++;
    }
    int start = pos;
    while (pos < s.length() && isNumberChar(s.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      throw error("unexpected character");
    }
  }

  private static boolean isNumberChar(char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
  }

  /** Checks that only whitespace follows. */
  void end() {
    skipWhitespace();
    if (pos != s.length()) {
      throw error("trailing characters");
    }
  }

  private void literal(String word) {
    if (!s.startsWith(word, pos)) {
      throw error("unexpected literal");
    }
    pos += word.length();
  }

  private void skipWhitespace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private char peek() {
    if (pos >= s.length()) {
      throw error("unexpected end of input");
    }
    return s.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private void expect(char c) {
    skipWhitespace();
    if (next() != c) {
      throw error("expected '" + c + "'");
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
  }
}
