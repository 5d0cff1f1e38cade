package dev.handoff;

import java.nio.charset.StandardCharsets;

/**
 * A strict reader of the small JSON objects in a token (RFC 8259): just enough grammar for a JOSE header and the
 * claims, reading straight from a decrypted or decoded buffer. Anything else — trailing data, raw control
 * characters, nesting deeper than {@link #MAX_DEPTH}, numbers that are not plain integers where one is wanted — is
 * refused with {@link TokenRejected}. Work is linear in the input, which the caller has already bounded.
 */
final class JsonReader {
  static final int MAX_DEPTH = 4;

  private final byte[] buf;
  private final int end;
  private int pos;

  JsonReader(byte[] buf, int from, int to) {
    this.buf = buf;
    this.pos = from;
    this.end = to;
  }

  /** Consumes the opening brace of an object. */
  void beginObject() {
    skipSpace();
    expect('{');
  }

  /**
   * The next member name of the object, or {@code null} at its closing brace (which is consumed). Call
   * {@link #string}, {@link #integer} or {@link #skipValue} for the value before the next call.
   */
  String nextName(boolean first) {
    skipSpace();
    if (peek() == '}') {
      pos++;
      return null;
    }
    if (!first) {
      expect(',');
      skipSpace();
    }
    String name = string();
    skipSpace();
    expect(':');
    return name;
  }

  /**
   * Like {@link #nextName} but answers with the index of the name in {@code names}, -1 for a name not in it, or
   * -2 at the closing brace; plain names are matched in place, without building a string.
   */
  int nextMember(boolean first, String[] names) {
    skipSpace();
    if (peek() == '}') {
      pos++;
      return -2;
    }
    if (!first) {
      expect(',');
      skipSpace();
    }
    expect('"');
    int start = pos;
    int index = -1;
    while (pos < end && buf[pos] != '"' && buf[pos] != '\\') {
      pos++;
    }
    if (pos < end && buf[pos] == '"') {
      int len = pos - start;
      for (int i = 0; i < names.length && index < 0; i++) {
        if (names[i].length() == len && matches(names[i], start)) {
          index = i;
        }
      }
      pos++;
    } else {
      // An escaped name: rare, so decode it and compare.
      pos = start - 1;
      String name = string();
      for (int i = 0; i < names.length && index < 0; i++) {
        if (names[i].equals(name)) {
          index = i;
        }
      }
    }
    skipSpace();
    expect(':');
    return index;
  }

  private boolean matches(String name, int at) {
    for (int i = 0; i < name.length(); i++) {
      if (buf[at + i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Requires that nothing but white space follows. */
  void endOfInput() {
    skipSpace();
    if (pos != end) {
      throw new TokenRejected("json trailing data");
    }
  }

  /** A string value. */
  String string() {
    skipSpace();
    expect('"');
    int start = pos;
    boolean plain = true;
    while (true) {
      int b = next();
      if (b == '"') {
        break;
      }
      if (b < 0x20) {
        throw new TokenRejected("json control character");
      }
      if (b == '\\') {
        plain = false;
        next();
      }
    }
    if (plain) {
      return new String(buf, start, pos - 1 - start, StandardCharsets.UTF_8);
    }
    return unescape(start, pos - 1);
  }

  /** A non-negative integer that fits a long, without sign, fraction or exponent. */
  long integer() {
    skipSpace();
    int start = pos;
    long value = 0;
    while (pos < end && buf[pos] >= '0' && buf[pos] <= '9') {
      value = value * 10 + (buf[pos++] - '0');
    }
    int digits = pos - start;
    // 19 digits may overflow, and an overflow of at most 19 digits always turns negative.
    if (digits == 0 || digits > 19 || value < 0 || (digits > 1 && buf[start] == '0')) {
      throw new TokenRejected("json integer");
    }
    if (pos < end && (buf[pos] == '.' || buf[pos] == 'e' || buf[pos] == 'E')) {
      throw new TokenRejected("json integer");
    }
    return value;
  }

  /** Skips any value, nested at most {@link #MAX_DEPTH} deep. */
  void skipValue() {
    skipValue(0);
  }

  private void skipValue(int depth) {
    if (depth > MAX_DEPTH) {
      throw new TokenRejected("json nesting");
    }
    skipSpace();
    int b = peek();
    if (b == '"') {
      string();
    } else if (b == '{') {
      pos++;
      boolean first = true;
      while (nextName(first) != null) {
        first = false;
        skipValue(depth + 1);
      }
    } else if (b == '[') {
      pos++;
      skipSpace();
      if (peek() == ']') {
        pos++;
        return;
      }
      while (true) {
        skipValue(depth + 1);
        skipSpace();
        if (peek() != ',') {
          break;
        }
        pos++;
      }
      expect(']');
    } else if (b == '-' || (b >= '0' && b <= '9')) {
      if (b == '-') {
        pos++;
      }
      integer();
    } else if (!literal("true") && !literal("false") && !literal("null")) {
      throw new TokenRejected("json value");
    }
  }

  private boolean literal(String word) {
    if (end - pos < word.length()) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (buf[pos + i] != word.charAt(i)) {
        return false;
      }
    }
    pos += word.length();
    return true;
  }

  private String unescape(int from, int to) {
    var sb = new StringBuilder(to - from);
    int run = from;
    int i = from;
    while (i < to) {
      if (buf[i] != '\\') {
        i++;
        continue;
      }
      sb.append(new String(buf, run, i - run, StandardCharsets.UTF_8));
      char e = (char) buf[i + 1];
      i += 2;
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (to - i < 4) {
            throw new TokenRejected("json escape");
          }
          int c = 0;
          for (int k = 0; k < 4; k++) {
            int d = Character.digit(buf[i + k], 16);
            if (d < 0) {
              throw new TokenRejected("json escape");
            }
            c = c << 4 | d;
          }
          sb.append((char) c);
          i += 4;
        }
        default -> throw new TokenRejected("json escape");
      }
      run = i;
    }
    sb.append(new String(buf, run, to - run, StandardCharsets.UTF_8));
    return sb.toString();
  }

  private void skipSpace() {
    while (pos < end && (buf[pos] == ' ' || buf[pos] == '\t' || buf[pos] == '\n' || buf[pos] == '\r')) {
      pos++;
    }
  }

  private int peek() {
    if (pos >= end) {
      throw new TokenRejected("json truncated");
    }
    return buf[pos] & 0xff;
  }

  private int next() {
    int b = peek();
    pos++;
    return b;
  }

  private void expect(char c) {
    if (next() != c) {
      throw new TokenRejected("json syntax");
    }
  }
}
