package dev.handoff;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * The keyed digest (HMAC-SHA256) that is stored instead of a secret, for one purpose. The purpose label is part of
 * the MAC input, so digests of one purpose never match another's even under the same key. Thread-safe: each
 * thread reuses its own {@link Mac}, because {@code Mac.getInstance} on every page load would cost more than the
 * MAC itself.
 */
final class KeyedDigest {
  private final byte[] purpose;
  private final ThreadLocal<Mac> macs;

  KeyedDigest(SecretKey key, String purpose) {
    this.purpose = (purpose + "\u0000").getBytes(StandardCharsets.US_ASCII);
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
      }
    });
  }

  String digest(String secret) {
    Mac mac = macs.get();
    mac.update(purpose);
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether {@code secret} has the stored digest, compared in constant time. */
  boolean matches(String secret, String storedDigest) {
    return MessageDigest.isEqual(digest(secret).getBytes(StandardCharsets.US_ASCII),
        storedDigest.getBytes(StandardCharsets.US_ASCII));
  }
}
