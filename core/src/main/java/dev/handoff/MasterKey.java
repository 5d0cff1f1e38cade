package dev.handoff;

import java.util.Arrays;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys derived from one 256-bit secret of a {@link KeyRing}, named by its {@code kid}: the root of the
 * {@code dir} token sub-keys (absent for a digest-only secret), the token-digest key and the one-time-code digest
 * key. Derived with HKDF so that each purpose has its own key. {@code toString()} shows the kid only.
 */
record MasterKey(String kid, SecretKey tokenEncryptionRoot, SecretKey tokenDigestKey, SecretKey otpDigestKey) {

  /** Derives every purpose's key; with {@code forTokens} false the secret serves the digests only. */
  static MasterKey derive(String kid, byte[] secret, boolean forTokens) {
    byte[] root = forTokens ? Hkdf.derive(secret, Hkdf.TOKEN_ENCRYPTION) : null;
    byte[] digest = Hkdf.derive(secret, Hkdf.TOKEN_DIGEST);
    byte[] otp = Hkdf.derive(secret, Hkdf.OTP_DIGEST);
    try {
      return new MasterKey(kid, root == null ? null : new SecretKeySpec(root, "AES"),
          new SecretKeySpec(digest, "HmacSHA256"), new SecretKeySpec(otp, "HmacSHA256"));
    } finally {
      // SecretKeySpec copied them.
      if (root != null) {
        Arrays.fill(root, (byte) 0);
      }
      Arrays.fill(digest, (byte) 0);
      Arrays.fill(otp, (byte) 0);
    }
  }

  boolean mintsTokens() {
    return tokenEncryptionRoot != null;
  }

  @Override
  public String toString() {
    return "MasterKey[kid=" + kid + "]";
  }
}
