package dev.handoff;

import java.time.Instant;

/**
 * The JSON form of {@link TokenClaims}: {@code {"tid":…,"sid":…,"gen":…,"iat":…,"exp":…,"jti":…}}, written
 * straight into a byte buffer on the mint path and read back strictly on redemption. Reading accepts any member
 * order and white space (other JOSE libraries write their own way) but exactly these six members.
 */
final class ClaimsJson {
  /** Longest string claim accepted on redemption. */
  static final int MAX_STRING = 256;

  private static final String[] NAMES = {"tid", "sid", "jti", "gen", "iat", "exp"};

  private ClaimsJson() {}

  /** An upper bound of the bytes {@link #write} needs for these claims. */
  static int maxLength(TokenClaims c) {
    // 6 bytes per char covers \\uXXXX escapes and UTF-8; 3 longs of at most 20 digits; the fixed text.
    return 6 * (c.tenant().length() + c.sessionId().length() + c.nonce().length()) + 3 * 20 + 64;
  }

  /** Writes the claims into {@code out} from 0; returns the length. */
  static int write(TokenClaims c, byte[] out) {
    int p = ascii(out, 0, "{\"tid\":\"");
    p = string(out, p, c.tenant());
    p = ascii(out, p, "\",\"sid\":\"");
    p = string(out, p, c.sessionId());
    p = ascii(out, p, "\",\"gen\":");
    p = number(out, p, c.generation());
    p = ascii(out, p, ",\"iat\":");
    p = number(out, p, c.issuedAt().getEpochSecond());
    p = ascii(out, p, ",\"exp\":");
    p = number(out, p, c.expiresAt().getEpochSecond());
    p = ascii(out, p, ",\"jti\":\"");
    p = string(out, p, c.nonce());
    out[p++] = '"';
    out[p++] = '}';
    return p;
  }

  static TokenClaims read(byte[] json, int from, int to) {
    var reader = new JsonReader(json, from, to);
    reader.beginObject();
    String tid = null;
    String sid = null;
    String jti = null;
    long gen = -1;
    long iat = -1;
    long exp = -1;
    int member;
    boolean first = true;
    while ((member = reader.nextMember(first, NAMES)) != -2) {
      first = false;
      switch (member) {
        case 0 -> tid = once(tid, reader.string());
        case 1 -> sid = once(sid, reader.string());
        case 2 -> jti = once(jti, reader.string());
        case 3 -> gen = once(gen, reader.integer());
        case 4 -> iat = once(iat, reader.integer());
        case 5 -> exp = once(exp, reader.integer());
        default -> throw new TokenRejected("claim not allowed");
      }
    }
    reader.endOfInput();
    if (!valid(tid) || !valid(sid) || !valid(jti) || gen < 1 || iat < 0 || exp <= iat) {
      throw new TokenRejected("claims missing or out of range");
    }
    return new TokenClaims(tid, sid, gen, Instant.ofEpochSecond(iat), Instant.ofEpochSecond(exp), jti);
  }

  private static boolean valid(String s) {
    return s != null && !s.isEmpty() && s.length() <= MAX_STRING;
  }

  private static String once(String current, String value) {
    if (current != null) {
      throw new TokenRejected("duplicate claim");
    }
    return value;
  }

  private static long once(long current, long value) {
    if (current != -1) {
      throw new TokenRejected("duplicate claim");
    }
    return value;
  }

  private static int ascii(byte[] out, int p, String s) {
    for (int i = 0; i < s.length(); i++) {
      out[p++] = (byte) s.charAt(i);
    }
    return p;
  }

  private static int number(byte[] out, int p, long v) {
    if (v < 0) {
      throw new IllegalArgumentException("negative claim");
    }
    if (v == 0) {
      out[p++] = '0';
      return p;
    }
    int digits = 0;
    for (long t = v; t != 0; t /= 10) {
      digits++;
    }
    for (int i = p + digits - 1; i >= p; i--) {
      out[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return p + digits;
  }

  /** A JSON string body in UTF-8: escapes quote, backslash and control characters. */
  private static int string(byte[] out, int p, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        out[p++] = (byte) c;
      } else if (c == '"' || c == '\\') {
        out[p++] = '\\';
        out[p++] = (byte) c;
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          out[p++] = (byte) (0xf0 | cp >>> 18);
          out[p++] = (byte) (0x80 | ((cp >>> 12) & 0x3f));
          out[p++] = (byte) (0x80 | ((cp >>> 6) & 0x3f));
          out[p++] = (byte) (0x80 | (cp & 0x3f));
        } else {
          // Control characters, and lone surrogates, which UTF-8 cannot carry, as \\uXXXX.
          out[p++] = '\\';
          out[p++] = 'u';
          for (int shift = 12; shift >= 0; shift -= 4) {
            out[p++] = (byte) Character.forDigit((c >>> shift) & 0xf, 16);
          }
        }
      } else if (c < 0x800) {
        out[p++] = (byte) (0xc0 | c >>> 6);
        out[p++] = (byte) (0x80 | (c & 0x3f));
      } else {
        out[p++] = (byte) (0xe0 | c >>> 12);
        out[p++] = (byte) (0x80 | ((c >>> 6) & 0x3f));
        out[p++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return p;
  }
}
