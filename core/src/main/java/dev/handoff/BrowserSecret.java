package dev.handoff;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret a hosted page keeps in an HttpOnly cookie after redemption: {@code hb1.<tenant>.<session id>.<256
 * random bits>}, all base64url, so that one store lookup finds the session it belongs to. Only its keyed digest
 * is stored. {@code toString()} redacts it.
 */
record BrowserSecret(String tenant, String sessionId, String value) {
  private static final String VERSION = "hb1";
  static final int MAX_LENGTH = 512;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  static BrowserSecret create(String tenant, String sessionId, SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String value = VERSION + "." + ENCODER.encodeToString(tenant.getBytes(StandardCharsets.UTF_8)) + "." + sessionId
        + "." + ENCODER.encodeToString(bytes);
    return new BrowserSecret(tenant, sessionId, value);
  }

  /** The secret, or {@code null} if {@code value} is not one (untrusted input: never throws). */
  static BrowserSecret parse(String value) {
    if (value == null || value.length() > MAX_LENGTH) {
      return null;
    }
    // Four parts: hb1, the tenant, the session id and the random part, found without a regex or an array.
    int first = value.indexOf('.');
    int second = value.indexOf('.', first + 1);
    int third = second < 0 ? -1 : value.indexOf('.', second + 1);
    if (first != VERSION.length() || !value.startsWith(VERSION) || second <= first + 1 || third <= second + 1
        || value.indexOf('.', third + 1) >= 0 || value.length() - third - 1 != 43) {
      return null;
    }
    try {
      String tenant = tenant(value, first + 1, second);
      String sessionId = value.substring(second + 1, third);
      // The same rule as for every identifier, so that no store sees what create would have refused.
      if (!RequestFields.isIdentifier(tenant, RequestFields.MAX_TENANT_LENGTH)
          || !RequestFields.isIdentifier(sessionId, RequestFields.MAX_ID_LENGTH)) {
        return null;
      }
      return new BrowserSecret(tenant, sessionId, value);
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return null;
    }
  }

  /**
   * The tenant encoded in {@code value[from, to)}: strict base64url of strict UTF-8. An ASCII tenant (the usual
   * one) needs no charset decoder, which would allocate a decoder and two buffers on every page load.
   */
  private static String tenant(String value, int from, int to) throws CharacterCodingException {
    byte[] text = new byte[to - from];
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      text[i - from] = c < 0x80 ? (byte) c : (byte) '?'; // not in the alphabet: refused below
    }
    byte[] bytes = new byte[Math.max(0, Base64Url.decodedLength(text.length))];
    int length;
    try {
      length = Base64Url.decode(text, 0, text.length, bytes, 0);
    } catch (TokenRejected e) {
      throw new IllegalArgumentException("not base64url");
    }
    for (int i = 0; i < length; i++) {
      if (bytes[i] < 0) {
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, length)).toString();
      }
    }
    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
  }

  @Override
  public String toString() {
    return "BrowserSecret[tenant=" + tenant + ", sessionId=" + sessionId + ", value=<redacted>]";
  }
}
