package dev.handoff;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEDecrypter;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.impl.ECDHCryptoProvider;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.interfaces.XECPrivateKey;
import java.util.Arrays;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code ECDH-ES+A256KW} decryption with an X25519 private key, the counterpart of {@link X25519Encrypter}. The
 * header's {@code epk} must be an X25519 key of 32 bytes without a private part, and must not be of small order.
 * Thread-safe: it keeps nothing but the private key.
 */
final class X25519Decrypter extends ECDHCryptoProvider implements JWEDecrypter {
  private final XECPrivateKey privateKey;

  X25519Decrypter(XECPrivateKey privateKey) throws JOSEException {
    super(Curve.X25519, null);
    this.privateKey = privateKey;
  }

  @Override
  public Set<Curve> supportedEllipticCurves() {
    return Set.of(Curve.X25519);
  }

  @Override
  public byte[] decrypt(JWEHeader header, Base64URL encryptedKey, Base64URL iv, Base64URL cipherText,
      Base64URL authTag, byte[] aad) throws JOSEException {
    if (!(header.getEphemeralPublicKey() instanceof OctetKeyPair epk) || !Curve.X25519.equals(epk.getCurve())
        || epk.isPrivate()) {
      throw new JOSEException("epk must be a public X25519 key");
    }
    byte[] z = null;
    try {
      z = X25519Keys.agree(privateKey, X25519Keys.publicKey(epk.getDecodedX()));
      return decryptWithZ(header, aad, new SecretKeySpec(z, "AES"), encryptedKey, iv, cipherText, authTag);
    } catch (GeneralSecurityException e) {
      throw new JOSEException("X25519 key agreement failed: " + e.getClass().getSimpleName(), e);
    } finally {
      if (z != null) {
        Arrays.fill(z, (byte) 0);
      }
    }
  }
}
