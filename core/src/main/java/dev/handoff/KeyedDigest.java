package dev.handoff;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final int MAC_BYTES = 32;
  private static final int ENCODED_LENGTH = Base64Url.encodedLength(MAC_BYTES);

  private final Supplier<KeyRing> ring;
  private final Function<MasterKey, SecretKey> keyOf;
  private final byte[] purpose;
  private final ThreadLocal<KeyedMac> macs = ThreadLocal.withInitial(KeyedMac::new);

  /**
   * A thread's {@link Mac} and the key it was last initialised with (re-keying costs as much as the MAC), with a
   * buffer for the MAC, so that checking a digest on every page load allocates none.
   */
  private static final class KeyedMac {
    private final Mac mac;
    private SecretKey key;
    final byte[] raw = new byte[MAC_BYTES];

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
    // <kid>.<base64url(mac)>: the length of a digest is public (the same for every digest), so the dot's place is.
    int dot = storedDigest.length() - ENCODED_LENGTH - 1;
    if (dot < 1 || storedDigest.charAt(dot) != '.') {
      return false;
    }
    KeyRing current = ring.get();
    MasterKey key = current.digestSecret();
    // Almost every digest is under the ring's current digest secret: recognised without cutting out the kid.
    if (key == null || key.kid().length() != dot || !storedDigest.startsWith(key.kid())) {
      key = current.secret(storedDigest.substring(0, dot));
    }
    if (key == null) {
      return false;
    }
    return Base64Url.isEncodingOf(rawMac(key, secret).raw, MAC_BYTES, storedDigest, dot + 1);
  }

  private String mac(MasterKey key, String secret) {
    return ENCODER.encodeToString(rawMac(key, secret).raw);
  }

  /** This thread's {@link KeyedMac}, its {@code raw} holding the MAC of {@code secret} under {@code key}. */
  private KeyedMac rawMac(MasterKey key, String secret) {
    KeyedMac keyed = macs.get();
    Mac mac = keyed.keyedWith(keyOf.apply(key));
    mac.update(purpose);
    mac.update(secret.getBytes(StandardCharsets.UTF_8));
    try {
      mac.doFinal(keyed.raw, 0);
    } catch (javax.crypto.ShortBufferException e) {
      throw new IllegalStateException("HMAC-SHA256 is 32 bytes", e);
    }
    return keyed;
  }
}
