package dev.handoff;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key material of an engine: the key that encrypts URL tokens, named by a key id ({@code kid}), and the
 * separate key of the keyed digests that are stored instead of tokens.
 *
 * <p>Keys are derived, one per purpose, from a 256-bit master secret, so that one secret configures a node and
 * a compromise of one purpose's key does not expose another's. Immutable and thread-safe; {@code toString()}
 * shows the key id only.
 */
public final class KeyRing {
  /** Length of a master secret in bytes. */
  public static final int MASTER_SECRET_BYTES = 32;

  private final String kid;
  private final SecretKey tokenEncryptionKey;
  private final SecretKey tokenDigestKey;
  private final boolean generated;

  private KeyRing(String kid, byte[] masterSecret, boolean generated) {
    this.kid = kid;
    this.tokenEncryptionKey = new SecretKeySpec(derive(masterSecret, "handoff token encryption"), "AES");
    this.tokenDigestKey = new SecretKeySpec(derive(masterSecret, "handoff token digest"), "HmacSHA256");
    this.generated = generated;
  }

  /**
   * A key ring derived from a 256-bit master secret.
   *
   * @param kid the key id written into every token's header: 1 to 64 URL-safe characters
   * @param masterSecret exactly {@value #MASTER_SECRET_BYTES} bytes of secret randomness; copied, not kept
   * @throws IllegalArgumentException if the key id or the secret's length is invalid
   */
  public static KeyRing fromMasterSecret(String kid, byte[] masterSecret) {
    Objects.requireNonNull(kid, "kid");
    Objects.requireNonNull(masterSecret, "masterSecret");
    if (kid.isEmpty() || kid.length() > 64 || !kid.chars().allMatch(KeyRing::isUrlSafe)) {
      throw new IllegalArgumentException("kid must be 1 to 64 characters of [A-Za-z0-9_-]");
    }
    if (masterSecret.length != MASTER_SECRET_BYTES) {
      throw new IllegalArgumentException("master secret must be " + MASTER_SECRET_BYTES + " bytes, got "
          + masterSecret.length);
    }
    return new KeyRing(kid, masterSecret, false);
  }

  /**
   * A key ring from a fresh random master secret. Tokens minted with it cannot be redeemed by another node or
   * after a restart: for development and tests.
   */
  public static KeyRing generate() {
    var random = new SecureRandom();
    byte[] secret = new byte[MASTER_SECRET_BYTES];
    random.nextBytes(secret);
    byte[] kidBytes = new byte[6];
    random.nextBytes(kidBytes);
    var ring = new KeyRing("gen-" + Base64.getUrlEncoder().withoutPadding().encodeToString(kidBytes), secret, true);
    Arrays.fill(secret, (byte) 0);
    return ring;
  }

  /** The key id written into the header of every token this ring mints. */
  public String kid() {
    return kid;
  }

  /** Whether this ring was generated at start-up rather than configured. */
  public boolean isGenerated() {
    return generated;
  }

  SecretKey tokenEncryptionKey() {
    return tokenEncryptionKey;
  }

  SecretKey tokenDigestKey() {
    return tokenDigestKey;
  }

  /** HKDF-SHA256 (RFC 5869) with an empty salt, one 32-byte block of output per purpose. */
  private static byte[] derive(byte[] masterSecret, String purpose) {
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
      byte[] prk = mac.doFinal(masterSecret);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      mac.update(purpose.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) 1);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  private static boolean isUrlSafe(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }

  @Override
  public String toString() {
    return "KeyRing[kid=" + kid + (generated ? ", generated" : "") + "]";
  }
}
