package dev.handoff;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * The keyed digest (HMAC-SHA256) stored instead of a secret, for one purpose: {@code <kid>.<base64url(mac)>}, the
 * kid naming the ring secret whose key was used, so that digests stored before a key rotation keep matching while
 * that secret stays in the ring (the same scheme as the token digest). The purpose label is part of the MAC input,
 * so a digest of one purpose never matches another's. Thread-safe: each thread reuses its own keyed {@link Mac}.
 */
final class KeyedDigest {
  private final Supplier<KeyRing> ring;
  private final Function<MasterKey, SecretKey> keyOf;
  private final byte[] purpose;
  private final ThreadLocal<KeyedMac> macs = ThreadLocal.withInitial(KeyedMac::new);

  /** A thread's {@link Mac} and the key it was last initialised with: re-keying costs as much as the MAC. */
  private static final class KeyedMac {
    private final Mac mac;
    private SecretKey key;

    KeyedMac() {
      try {
        mac = Mac.getInstance("HmacSHA256");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
      }
    }

    Mac keyedWith(SecretKey next) {
      if (next != key) {
        try {
          mac.init(next);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("an HMAC key was refused", e);
        }
        key = next;
      }
      return mac;
    }
  }

  /**
   * @param ring the current key ring (it may be rotated at any time)
   * @param keyOf which of a ring secret's derived keys this purpose uses
   * @param purpose a label that separates this purpose's digests from every other's, or {@code null} for none
   */
  KeyedDigest(Supplier<KeyRing> ring, Function<MasterKey, SecretKey> keyOf, String purpose) {
    this.ring = ring;
    this.keyOf = keyOf;
    this.purpose = purpose == null ? new byte[0] : (purpose + "\u0000").getBytes(StandardCharsets.US_ASCII);
  }

  String digest(String secret) {
    MasterKey key = ring.get().digestSecret();
    return key.kid() + '.' + mac(key, secret);
  }

  /** Whether {@code secret} has the stored digest, compared in constant time; false once its kid is retired. */
  boolean matches(String secret, String storedDigest) {
    int dot = storedDigest.lastIndexOf('.');
    MasterKey key = dot < 1 ? null : ring.get().secret(storedDigest.substring(0, dot));
    return key != null && MessageDigest.isEqual(mac(key, secret).getBytes(StandardCharsets.US_ASCII),
        storedDigest.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
  }

  private String mac(MasterKey key, String secret) {
    Mac mac = macs.get().keyedWith(keyOf.apply(key));
    mac.update(purpose);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
  }
}
