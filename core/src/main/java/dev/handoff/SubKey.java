package dev.handoff;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A short-lived {@code dir} content-encryption key, derived from a master secret's token-encryption root and
 * named by a {@code kid} of the form {@code <ring kid>.<salt>}, where the salt is 96 random bits in base64url.
 * The sub-key is HKDF-SHA256(root, info = {@value Hkdf#SUB_KEY} + kid), so every node holding the ring key can
 * derive it from the token's {@code kid} alone, and nothing needs to be shared between nodes.
 *
 * <p>Why: AES-GCM with random 96-bit IVs is safe for at most 2^32 encryptions per key (NIST SP 800-38D). Each
 * thread of each node mints under its own sub-key and replaces it after {@link #MAX_USES} tokens, so no key
 * comes near that bound however many nodes and threads mint. Also holds the precomputed protected header, which
 * is the AAD too. {@code toString()} shows the kid only.
 */
record SubKey(String kid, SecretKey key, byte[] encodedHeader) {
  /** Tokens minted under one sub-key before it is replaced: 2^24, far below the 2^32 bound. */
  static final long MAX_USES = 1L << 24;
  /** Characters of the salt part of a sub-key's kid: 96 bits in base64url. */
  static final int SALT_CHARS = 16;

  static SubKey mint(MasterKey ring, SecureRandom random) {
    byte[] salt = new byte[12];
    random.nextBytes(salt);
    byte[] chars = new byte[SALT_CHARS];
    Base64Url.encode(salt, 0, salt.length, chars, 0);
    return derive(ring, ring.kid() + '.' + new String(chars, StandardCharsets.US_ASCII));
  }

  static SubKey derive(MasterKey ring, String kid) {
    byte[] root = ring.tokenEncryptionRoot().getEncoded();
    byte[] key = Hkdf.derive(root, Hkdf.SUB_KEY + kid);
    try {
      String header = "{\"alg\":\"" + JoseHeader.DIR + "\",\"enc\":\"" + JoseHeader.A256GCM + "\",\"kid\":\"" + kid
          + "\",\"typ\":\"" + JoseHeader.TYPE + "\"}";
      byte[] json = header.getBytes(StandardCharsets.US_ASCII);
      byte[] encoded = new byte[Base64Url.encodedLength(json.length)];
      Base64Url.encode(json, 0, json.length, encoded, 0);
      return new SubKey(kid, new SecretKeySpec(key, "AES"), encoded);
    } finally {
      Arrays.fill(root, (byte) 0);
      Arrays.fill(key, (byte) 0);
    }
  }

  /** The ring kid of a well-formed sub-key kid, or {@code null}. */
  static String ringKid(String kid) {
    int dot = kid.indexOf('.');
    if (dot < 1 || kid.length() - dot - 1 != SALT_CHARS || !KeyRing.isValidKid(kid.substring(dot + 1))) {
      return null;
    }
    return kid.substring(0, dot);
  }

  @Override
  public String toString() {
    return "SubKey[kid=" + kid + "]";
  }
}
