package dev.handoff.spi;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The JSON-shaped values carried by intents, metadata and user attributes: {@code null}, {@link String},
 * {@link Boolean}, {@link Long}, {@link BigDecimal}, {@link List} and {@link Map} with {@code String} keys.
 *
 * <p>{@link #copyOf} validates and deep-freezes such a tree, normalizing numbers so that a tree survives
 * {@link #write} and {@link #parseObject} unchanged (equal by {@code equals}). Stores use the pair to persist
 * those trees as text; nothing in Handoff depends on a JSON library.
 *
 * <p>Stateless and thread-safe.
 */
public final class Json {
  /** Deepest nesting accepted, so that hostile input cannot exhaust the stack. */
  public static final int MAX_DEPTH = 32;
  /** Longest number accepted, in characters of its JSON text, so that hostile input cannot make math slow. */
  public static final int MAX_NUMBER_LENGTH = 100;

  private Json() {}

  /**
   * Validates {@code map} as a JSON object and returns an unmodifiable deep copy with normalized numbers
   * (integral numbers become {@link Long}, others {@link BigDecimal}). Iteration order is preserved.
   *
   * @throws IllegalArgumentException if a value is not JSON-shaped, a number is not finite, or nesting is too deep
   */
  public static Map<String, Object> copyOf(Map<String, ?> map) {
    if (map instanceof FrozenObject frozen) {
      return frozen; // this class's own result (of copyOf or a parse): already checked, deep-frozen and normalized
    }
    return copyObject(map, 0);
  }

  private static Map<String, Object> copyObject(Map<?, ?> map, int depth) {
    checkDepth(depth);
    if (map.isEmpty()) {
      return Map.of(); // shared: most sessions have no metadata, and every change of a session copies it again
    }
    var copy = new LinkedHashMap<String, Object>(Math.max(4, map.size() * 2));
    for (var e : map.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        throw new IllegalArgumentException("JSON object keys must be strings, got " + typeName(e.getKey()));
      }
      copy.put(key, copyValue(e.getValue(), depth + 1));
    }
    return new FrozenObject(copy);
  }

  private static Object copyValue(Object value, int depth) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger b) {
      return normalize(new BigDecimal(b));
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("JSON numbers must be finite, got " + d);
      }
      return normalize(BigDecimal.valueOf(d));
    }
    if (value instanceof BigDecimal b) {
      return normalize(b);
    }
    if (value instanceof Map<?, ?> m) {
      return copyObject(m, depth);
    }
    if (value instanceof List<?> l) {
      checkDepth(depth);
      var copy = new ArrayList<Object>(l.size());
      for (Object item : l) {
        copy.add(copyValue(item, depth + 1));
      }
      return Collections.unmodifiableList(copy);
    }
    throw new IllegalArgumentException("not a JSON value: " + typeName(value));
  }

  /** Same rule as the parser: a number written without fraction or exponent is a Long when it fits. */
  private static Object normalize(BigDecimal b) {
    if (b.toString().length() > MAX_NUMBER_LENGTH) {
      throw new IllegalArgumentException("JSON number longer than " + MAX_NUMBER_LENGTH + " characters");
    }
    if (b.scale() == 0 && b.unscaledValue().bitLength() < 64) {
      return b.longValueExact();
    }
    return b;
  }

  private static void checkDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("JSON nesting deeper than " + MAX_DEPTH);
    }
  }

  private static String typeName(Object o) {
    return o == null ? "null" : o.getClass().getName();
  }

  /** Writes a JSON-shaped value (see {@link #copyOf}) as compact JSON text. */
  public static String write(Object value) {
    var out = new StringBuilder(64);
    writeValue(out, value, 0);
    return out.toString();
  }

  private static void writeValue(StringBuilder out, Object value, int depth) {
    checkDepth(depth);
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      writeString(out, s);
    } else if (value instanceof Boolean || value instanceof Long || value instanceof Integer) {
      out.append(value);
    } else if (value instanceof BigDecimal b) {
      out.append(b);
    } else if (value instanceof Number) {
      writeValue(out, copyValue(value, depth), depth);
    } else if (value instanceof Map<?, ?> m) {
      out.append('{');
      boolean first = true;
      for (var e : m.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("JSON object keys must be strings, got " + typeName(e.getKey()));
        }
        writeString(out, key);
        out.append(':');
        writeValue(out, e.getValue(), depth + 1);
      }
      out.append('}');
    } else if (value instanceof List<?> l) {
      out.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        writeValue(out, l.get(i), depth + 1);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + typeName(value));
    }
  }

  private static void writeString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          // Surrogates are escaped so that a lone one (valid in a Java string) survives UTF-8 storage.
          if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * Parses JSON text whose top level is an object into the same shape {@link #copyOf} produces.
   *
   * @throws IllegalArgumentException if the text is not a single JSON object, or nesting is too deep
   */
  public static Map<String, Object> parseObject(String text) {
    var parser = new Parser(text);
    parser.skipWhitespace();
    if (parser.peek() != '{') {
      throw parser.error("expected a JSON object");
    }
    @SuppressWarnings("unchecked")
    var result = (Map<String, Object>) parser.whole();
    return result;
  }

  /**
   * Parses JSON text of any value (an object, array, string, number, literal) into the shapes {@link #copyOf}
   * produces; the inverse of {@link #write}. For a store that reads its own JSON in place, this decodes the rare
   * string literal that holds an escape.
   *
   * @throws IllegalArgumentException if the text is not a single JSON value, or nesting is too deep
   */
  public static Object parse(String text) {
    return new Parser(text).whole();
  }

  /**
   * An object {@link #copyOf} or the parser built: unmodifiable, its values JSON-shaped, frozen and normalized, so
   * {@link #copyOf} returns it as it is. A store reads an intent's payload with the parser and {@link Intent} then
   * copies it, on every lookup; a session's metadata is copied on every change of the session. Only this class
   * constructs one, around a map no one else holds.
   */
  private static final class FrozenObject extends AbstractMap<String, Object> {
    private final Map<String, Object> view;

    FrozenObject(LinkedHashMap<String, Object> entries) {
      this.view = Collections.unmodifiableMap(entries);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return view.entrySet();
    }

    @Override
    public Set<String> keySet() {
      return view.keySet();
    }

    @Override
    public Collection<Object> values() {
      return view.values();
    }

    @Override
    public int size() {
      return view.size();
    }

    @Override
    public boolean containsKey(Object key) {
      return view.containsKey(key);
    }

    @Override
    public Object get(Object key) {
      return view.get(key);
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
      view.forEach(action);
    }
  }

  /** A strict recursive-descent parser (RFC 8259); one instance per call. */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    /** The one value the text holds, surrounded by whitespace only. */
    Object whole() {
      Object result = value(0);
      skipWhitespace();
      if (pos != s.length()) {
        throw error("trailing characters");
      }
      return result;
    }

    Object value(int depth) {
      checkDepth(depth);
      skipWhitespace();
      char c = peek();
      switch (c) {
        case '{':
          return object(depth);
        case '[':
          return array(depth);
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", null);
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
          }
          throw error("unexpected character");
      }
    }

    private Map<String, Object> object(int depth) {
      pos++; // '{'
      var map = new LinkedHashMap<String, Object>();
      skipWhitespace();
      if (peek() == '}') {
        pos++;
        return new FrozenObject(map);
      }
      while (true) {
        skipWhitespace();
        if (peek() != '"') {
          throw error("expected a string key");
        }
        String key = string();
        skipWhitespace();
        expect(':');
        if (map.containsKey(key)) {
          throw error("duplicate key");
        }
        map.put(key, value(depth + 1));
        skipWhitespace();
        char c = next();
        if (c == '}') {
          return new FrozenObject(map);
        }
        if (c != ',') {
          throw error("expected ',' or '}'");
        }
      }
    }

    private List<Object> array(int depth) {
      pos++; // '['
      var list = new ArrayList<Object>();
      skipWhitespace();
      if (peek() == ']') {
        pos++;
        return Collections.unmodifiableList(list);
      }
      while (true) {
        list.add(value(depth + 1));
        skipWhitespace();
        char c = next();
        if (c == ']') {
          return Collections.unmodifiableList(list);
        }
        if (c != ',') {
          throw error("expected ',' or ']'");
        }
      }
    }

    private String string() {
      pos++; // '"'
      // Most strings hold no escape: cut them out of the text (stores parse these on every read).
      for (int i = pos; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"') {
          String plain = s.substring(pos, i);
          pos = i + 1;
          return plain;
        }
        if (c == '\\' || c < 0x20) {
          break;
        }
      }
      var out = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return out.toString();
        }
        if (c < 0x20) {
          throw error("control character in string");
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("truncated escape");
            }
            int code = 0;
            for (int i = 0; i < 4; i++) {
              int digit = Character.digit(s.charAt(pos++), 16);
              if (digit < 0) {
                throw error("bad escape");
              }
              code = code * 16 + digit;
            }
            out.append((char) code);
          }
          default -> throw error("bad escape");
        }
      }
    }

    private Object number() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      if (peek() == '0') {
        pos++;
      } else {
        digits();
      }
      boolean integral = true;
      if (pos < s.length() && s.charAt(pos) == '.') {
        integral = false;
        pos++;
        digits();
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        integral = false;
        pos++;
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
          pos++;
        }
        digits();
      }
      if (pos - start > MAX_NUMBER_LENGTH) {
        throw error("number too long");
      }
      if (integral && pos - start <= 18) {
        return Long.parseLong(s, start, pos, 10); // fits: no BigDecimal for the usual small integers
      }
      var decimal = new BigDecimal(s.substring(start, pos));
      return integral ? normalize(decimal) : decimal;
    }

    private void digits() {
      int start = pos;
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
      if (pos == start) {
        throw error("expected a digit");
      }
    }

    private Object literal(String word, Object value) {
      if (!s.startsWith(word, pos)) {
        throw error("unexpected literal");
      }
      pos += word.length();
      return value;
    }

    void skipWhitespace() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        pos++;
      }
    }

    char peek() {
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
      if (next() != c) {
        throw error("expected '" + c + "'");
      }
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
    }
  }
}
