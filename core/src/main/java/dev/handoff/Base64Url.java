package dev.handoff;

/**
 * Unpadded base64url (RFC 4648 §5) straight between caller-owned buffers, so that minting and opening allocate
 * nothing for it. Decoding is strict: only the alphabet, no padding, and the unused low bits of the last
 * character must be zero, so that every token has exactly one encoding and a flipped character never decodes to
 * the same bytes.
 */
final class Base64Url {
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes(
          java.nio.charset.StandardCharsets.US_ASCII);
  private static final int[] VALUES = new int[256];

  static {
    java.util.Arrays.fill(VALUES, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = i;
    }
  }

  private Base64Url() {}

  /** The number of characters that encode {@code bytes} bytes. */
  static int encodedLength(int bytes) {
    return (bytes * 4 + 2) / 3;
  }

  /** The number of bytes that {@code chars} characters decode to, or -1 if no encoding has that length. */
  static int decodedLength(int chars) {
    return chars % 4 == 1 ? -1 : chars * 3 / 4;
  }

  /** Encodes {@code src[from, from + len)} into {@code dst} at {@code at}; returns the index after the output. */
  static int encode(byte[] src, int from, int len, byte[] dst, int at) {
    int end = from + len - len % 3;
    int i = from;
    while (i < end) {
      int bits = (src[i++] & 0xff) << 16 | (src[i++] & 0xff) << 8 | (src[i++] & 0xff);
      dst[at++] = ALPHABET[bits >>> 18];
      dst[at++] = ALPHABET[(bits >>> 12) & 63];
      dst[at++] = ALPHABET[(bits >>> 6) & 63];
      dst[at++] = ALPHABET[bits & 63];
    }
    int rest = len % 3;
    if (rest == 1) {
      int bits = (src[i] & 0xff) << 16;
      dst[at++] = ALPHABET[bits >>> 18];
      dst[at++] = ALPHABET[(bits >>> 12) & 63];
    } else if (rest == 2) {
      int bits = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8;
      dst[at++] = ALPHABET[bits >>> 18];
      dst[at++] = ALPHABET[(bits >>> 12) & 63];
      dst[at++] = ALPHABET[(bits >>> 6) & 63];
    }
    return at;
  }

  /**
   * Whether {@code text[at, at + encodedLength(len))} is the encoding of {@code src[0, len)}, in a time that does
   * not depend on where they differ (for comparing a MAC with its stored form); {@code text} must be long enough.
   * Encodes and compares in one pass, without a buffer.
   */
  static boolean isEncodingOf(byte[] src, int len, String text, int at) {
    int end = len - len % 3;
    int difference = 0;
    int i = 0;
    while (i < end) {
      int bits = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8 | (src[i + 2] & 0xff);
      difference |= (ALPHABET[bits >>> 18] ^ text.charAt(at)) | (ALPHABET[(bits >>> 12) & 63] ^ text.charAt(at + 1))
          | (ALPHABET[(bits >>> 6) & 63] ^ text.charAt(at + 2)) | (ALPHABET[bits & 63] ^ text.charAt(at + 3));
      i += 3;
      at += 4;
    }
    int rest = len % 3;
    if (rest == 1) {
      int bits = (src[i] & 0xff) << 16;
      difference |= (ALPHABET[bits >>> 18] ^ text.charAt(at)) | (ALPHABET[(bits >>> 12) & 63] ^ text.charAt(at + 1));
    } else if (rest == 2) {
      int bits = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8;
      difference |= (ALPHABET[bits >>> 18] ^ text.charAt(at)) | (ALPHABET[(bits >>> 12) & 63] ^ text.charAt(at + 1))
          | (ALPHABET[(bits >>> 6) & 63] ^ text.charAt(at + 2));
    }
    return difference == 0;
  }

  /**
   * Decodes the ASCII {@code src[from, to)} into {@code dst} at {@code at}; returns the number of bytes written.
   *
   * @throws TokenRejected for a character outside the alphabet, an impossible length or non-zero unused bits
   */
  static int decode(byte[] src, int from, int to, byte[] dst, int at) {
    int len = to - from;
    if (decodedLength(len) < 0) {
      throw new TokenRejected("base64url length");
    }
    int start = at;
    int i = from;
    int end = from + len - len % 4;
    while (i < end) {
      int a = VALUES[src[i] & 0xff];
      int b = VALUES[src[i + 1] & 0xff];
      int c = VALUES[src[i + 2] & 0xff];
      int d = VALUES[src[i + 3] & 0xff];
      if ((a | b | c | d) < 0) {
        throw new TokenRejected("base64url alphabet");
      }
      int bits = a << 18 | b << 12 | c << 6 | d;
      dst[at++] = (byte) (bits >>> 16);
      dst[at++] = (byte) (bits >>> 8);
      dst[at++] = (byte) bits;
      i += 4;
    }
    int rest = len % 4;
    if (rest == 2) {
      int bits = value(src[i]) << 18 | value(src[i + 1]) << 12;
      if ((bits & 0xffff) != 0) {
        throw new TokenRejected("base64url trailing bits");
      }
      dst[at++] = (byte) (bits >>> 16);
    } else if (rest == 3) {
      int bits = value(src[i]) << 18 | value(src[i + 1]) << 12 | value(src[i + 2]) << 6;
      if ((bits & 0xff) != 0) {
        throw new TokenRejected("base64url trailing bits");
      }
      dst[at++] = (byte) (bits >>> 16);
      dst[at++] = (byte) (bits >>> 8);
    }
    return at - start;
  }

  /**
   * Checks that the alphabet characters {@code src[from, to)} are the one canonical spelling of their bytes: a
   * possible length, and zero bits after the last byte.
   *
   * @throws TokenRejected otherwise
   */
  static void requireCanonical(byte[] src, int from, int to) {
    int len = to - from;
    if (decodedLength(len) < 0) {
      throw new TokenRejected("base64url length");
    }
    int rest = len % 4;
    if (rest != 0 && (value(src[to - 1]) & (rest == 2 ? 0x0f : 0x03)) != 0) {
      throw new TokenRejected("base64url trailing bits");
    }
  }

  /** Whether {@code b} is a character of the alphabet. */
  static boolean isAlphabet(byte b) {
    return VALUES[b & 0xff] >= 0;
  }

  private static int value(byte c) {
    int v = VALUES[c & 0xff];
    if (v < 0) {
      throw new TokenRejected("base64url alphabet");
    }
    return v;
  }
}
