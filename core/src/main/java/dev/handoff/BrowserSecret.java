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
  private static final String PREFIX = VERSION + ".";
  /** base64url of the 256 random bits. */
  private static final int RANDOM_LENGTH = Base64Url.encodedLength(32);
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
    return parse(value, null);
  }

  /**
   * {@link #parse(String)}, taking the tenant from {@code recent} when the secret spells the one it remembers, and
   * remembering the tenant of an accepted secret there.
   *
   * @param recent the tenant parsed last, or {@code null}
   */
  static BrowserSecret parse(String value, RecentTenant recent) {
    if (value == null || value.length() > MAX_LENGTH) {
      return null;
    }
    // Four parts: hb1, the tenant, the session id and the random part. The random part has a fixed length, so
    // the last dot's place is known; a remembered tenant gives the second's. Short scans, no regex, no array.
    int third = value.length() - RANDOM_LENGTH - 1;
    if (third < PREFIX.length() + 3 || value.charAt(third) != '.' || value.indexOf('.', third + 1) >= 0) {
      return null;
    }
    RecentTenant.Spelling known = recent == null ? null : recent.find(value);
    int second = known != null ? known.prefix().length() - 1
        : value.startsWith(PREFIX) ? value.indexOf('.', PREFIX.length()) : -1;
    if (second <= PREFIX.length() || second >= third - 1 || value.indexOf('.', second + 1) != third) {
      return null;
    }
    String tenant = known != null ? known.tenant() : checkedTenant(value, second, recent);
    if (tenant == null) {
      return null;
    }
    String sessionId = value.substring(second + 1, third);
    if (!RequestFields.isIdentifier(sessionId, RequestFields.MAX_ID_LENGTH)) {
      return null;
    }
    return new BrowserSecret(tenant, sessionId, value);
  }

  /**
   * The tenant spelled in {@code value} between the prefix and {@code second}, decoded and held to the rule for
   * every identifier (so that no store sees what create would have refused), remembered in {@code recent}; or
   * {@code null}.
   */
  private static String checkedTenant(String value, int second, RecentTenant recent) {
    String tenant = tenant(value, PREFIX.length(), second);
    if (tenant == null || !RequestFields.isIdentifier(tenant, RequestFields.MAX_TENANT_LENGTH)) {
      return null;
    }
    if (recent != null) {
      recent.remember(value.substring(0, second + 1), tenant);
    }
    return tenant;
  }

  /**
   * The tenant encoded in {@code value[from, to)}: strict base64url of strict UTF-8, or {@code null}. An ASCII
   * tenant (the usual one) needs no charset decoder, which would allocate a decoder and two buffers.
   */
  private static String tenant(String value, int from, int to) {
    int length = to - from;
    int decoded = Base64Url.decodedLength(length);
    if (decoded < 0) {
      return null;
    }
    byte[] text = new byte[length];
    for (int i = 0; i < length; i++) {
      char c = value.charAt(from + i);
      text[i] = c < 0x80 ? (byte) c : (byte) '?'; // not in the alphabet: refused below
    }
    byte[] bytes = new byte[decoded];
    try {
      Base64Url.decode(text, 0, length, bytes, 0);
    } catch (TokenRejected e) {
      return null;
    }
    for (byte b : bytes) {
      if (b < 0) {
        try {
          return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
          return null;
        }
      }
    }
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  @Override
  public String toString() {
    return "BrowserSecret[tenant=" + tenant + ", sessionId=" + sessionId + ", value=<redacted>]";
  }
}
