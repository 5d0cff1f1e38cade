package dev.handoff;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * {@link BrowserSecret#parse} as it was before it learnt the dot's place from the random part's length and to take
 * the tenant from {@link RecentTenant} (commit 1548a5f): the oracle that the faster parser must agree with on
 * every input, hostile or not.
 */
final class ReferenceBrowserSecretParser {
  private ReferenceBrowserSecretParser() {}

  static BrowserSecret parse(String value) {
    if (value == null || value.length() > BrowserSecret.MAX_LENGTH) {
      return null;
    }
    int first = value.indexOf('.');
    int second = value.indexOf('.', first + 1);
    int third = second < 0 ? -1 : value.indexOf('.', second + 1);
    if (first != 3 || !value.startsWith("hb1") || second <= first + 1 || third <= second + 1
        || value.indexOf('.', third + 1) >= 0 || value.length() - third - 1 != 43) {
      return null;
    }
    try {
      String tenant = tenant(value, first + 1, second);
      String sessionId = value.substring(second + 1, third);
      if (!RequestFields.isIdentifier(tenant, RequestFields.MAX_TENANT_LENGTH)
          || !RequestFields.isIdentifier(sessionId, RequestFields.MAX_ID_LENGTH)) {
        return null;
      }
      return new BrowserSecret(tenant, sessionId, value);
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return null;
    }
  }

  private static String tenant(String value, int from, int to) throws CharacterCodingException {
    byte[] text = new byte[to - from];
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      text[i - from] = c < 0x80 ? (byte) c : (byte) '?';
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
}
