package dev.handoff;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Builds compact JWEs by hand from any header and payload, encrypted correctly, to test one rule at a time. */
final class CraftedTokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private CraftedTokens() {}

  /** A {@code dir}/A256GCM-style token with exactly this header JSON, under the sub-key of {@code kid}. */
  static String dir(byte[] masterSecret, String kid, String headerJson, String payloadJson) {
    try {
      String header = B64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8));
      byte[] iv = new byte[12];
      new SecureRandom().nextBytes(iv);
      var cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(TestKeys.subKey(masterSecret, kid), "AES"),
          new GCMParameterSpec(128, iv));
      cipher.updateAAD(header.getBytes(StandardCharsets.US_ASCII));
      byte[] sealed = cipher.doFinal(payloadJson.getBytes(StandardCharsets.UTF_8));
      int n = sealed.length - 16;
      return header + ".." + B64.encodeToString(iv) + "."
          + B64.encodeToString(java.util.Arrays.copyOf(sealed, n)) + "."
          + B64.encodeToString(java.util.Arrays.copyOfRange(sealed, n, sealed.length));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String header(String kid) {
    return "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"" + kid + "\",\"typ\":\"handoff+jwt\"}";
  }

  static String claims(long iat) {
    return "{\"tid\":\"acme\",\"sid\":\"s1\",\"gen\":1,\"iat\":" + iat + ",\"exp\":" + (iat + 600)
        + ",\"jti\":\"n1\"}";
  }
}
