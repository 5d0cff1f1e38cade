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

  static BrowserSecret create(String tenant, String sessionId, SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    var b64 = Base64.getUrlEncoder().withoutPadding();
    String value = VERSION + "." + b64.encodeToString(tenant.getBytes(StandardCharsets.UTF_8)) + "." + sessionId
        + "." + b64.encodeToString(bytes);
    return new BrowserSecret(tenant, sessionId, value);
  }

  /** The secret, or {@code null} if {@code value} is not one (untrusted input: never throws). */
  static BrowserSecret parse(String value) {
    if (value == null || value.length() > MAX_LENGTH) {
      return null;
    }
    String[] parts = value.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals(VERSION) || parts[1].isEmpty() || parts[2].isEmpty()
        || parts[3].length() != 43) {
      return null;
    }
    try {
      String tenant = StandardCharsets.UTF_8.newDecoder()
          .decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(parts[1]))).toString();
      // The same rule as for every identifier, so that no store sees what create would have refused.
      if (!RequestFields.isIdentifier(tenant, RequestFields.MAX_TENANT_LENGTH)
          || !RequestFields.isIdentifier(parts[2], RequestFields.MAX_ID_LENGTH)) {
        return null;
      }
      return new BrowserSecret(tenant, parts[2], value);
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "BrowserSecret[tenant=" + tenant + ", sessionId=" + sessionId + ", value=<redacted>]";
  }
}
