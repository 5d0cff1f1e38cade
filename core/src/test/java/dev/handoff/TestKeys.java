package dev.handoff;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Fixed test secrets and an independent HKDF-SHA256 (RFC 5869, written against javax.crypto only), so that tests
 * check the documented derivations rather than the code under test.
 */
final class TestKeys {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private TestKeys() {}

  /** 32 bytes {@code first, first+1, ...}. */
  static byte[] secret(int first) {
    byte[] s = new byte[32];
    for (int i = 0; i < s.length; i++) {
      s[i] = (byte) (first + i);
    }
    return s;
  }

  static byte[] hkdf(byte[] ikm, String info) {
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
      byte[] prk = mac.doFinal(ikm);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      mac.update(info.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) 1);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** The content-encryption key of a {@code dir} token with this kid, from the master secret, as documented. */
  static byte[] subKey(byte[] masterSecret, String subKid) {
    byte[] root = hkdf(masterSecret, "handoff/v1 token-encryption");
    return hkdf(root, "handoff/v1 token-sub-key " + subKid);
  }

  static TokenClaims claims(String tenant, String sessionId, long generation) {
    return new TokenClaims(tenant, sessionId, generation, NOW, NOW.plusSeconds(3600), "nonce-" + sessionId);
  }

  static TokenCodec codec(KeyRing ring) {
    return new TokenCodec(ring, java.time.Duration.ofSeconds(30), 4096);
  }

  static String hex(byte[] bytes) {
    var sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }

  /**
   * A split-deployment token for session s4 of tenant acme built by jose4j, the independent JOSE implementation:
   * {@code ECDH-ES+A256KW} to {@code publicKey}, {@code A256GCM}, issued at {@link #NOW}, valid 60 seconds, jti j4.
   */
  static String jose4jAgreementToken(String kid, java.security.PublicKey publicKey) throws Exception {
    var claims = new org.jose4j.jwt.JwtClaims();
    claims.setClaim("tid", "acme");
    claims.setClaim("sid", "s4");
    claims.setClaim("gen", 1);
    claims.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(NOW.getEpochSecond()));
    claims.setExpirationTime(org.jose4j.jwt.NumericDate.fromSeconds(NOW.getEpochSecond() + 60));
    claims.setJwtId("j4");
    var jwe = new org.jose4j.jwe.JsonWebEncryption();
    jwe.setAlgorithmHeaderValue(org.jose4j.jwe.KeyManagementAlgorithmIdentifiers.ECDH_ES_A256KW);
    jwe.setEncryptionMethodHeaderParameter(org.jose4j.jwe.ContentEncryptionAlgorithmIdentifiers.AES_256_GCM);
    jwe.setKeyIdHeaderValue(kid);
    jwe.setKey(publicKey);
    jwe.setPayload(claims.toJson());
    return jwe.getCompactSerialization();
  }
}
