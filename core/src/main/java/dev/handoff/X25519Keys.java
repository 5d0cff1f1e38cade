package dev.handoff;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

/**
 * X25519 (RFC 7748) with the JDK's own XDH, between the raw 32-byte encodings of JOSE (RFC 8037) and JCA keys.
 * nimbus-jose-jwt does X25519 only through Google Tink, which is not a dependency; the JDK has it since 11.
 */
final class X25519Keys {
  static final int LENGTH = 32;

  private X25519Keys() {}

  static XECPublicKey publicKey(byte[] raw) throws GeneralSecurityException {
    if (raw.length != LENGTH) {
      throw new InvalidKeyException("an X25519 public key has 32 bytes");
    }
    byte[] bigEndian = new byte[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      bigEndian[i] = raw[LENGTH - 1 - i];
    }
    // RFC 7748 §5: the most significant bit of the u-coordinate is ignored.
    bigEndian[0] &= 0x7f;
    return (XECPublicKey) KeyFactory.getInstance("X25519")
        .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, bigEndian)));
  }

  static byte[] raw(XECPublicKey key) {
    byte[] bigEndian = key.getU().toByteArray();
    byte[] raw = new byte[LENGTH];
    for (int i = 0; i < LENGTH && i < bigEndian.length; i++) {
      raw[i] = bigEndian[bigEndian.length - 1 - i];
    }
    return raw;
  }

  static XECPrivateKey privateKey(byte[] raw) throws GeneralSecurityException {
    if (raw.length != LENGTH) {
      throw new InvalidKeyException("an X25519 private key has 32 bytes");
    }
    return (XECPrivateKey) KeyFactory.getInstance("X25519")
        .generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, raw.clone()));
  }

  /** The public key of a private key: X25519(d, 9), computed with BouncyCastle's lightweight API. */
  static XECPublicKey publicOf(XECPrivateKey key) throws GeneralSecurityException {
    byte[] scalar = key.getScalar().orElseThrow(() -> new InvalidKeyException("X25519 private key without scalar"));
    try {
      return publicKey(new X25519PrivateKeyParameters(scalar, 0).generatePublicKey().getEncoded());
    } finally {
      java.util.Arrays.fill(scalar, (byte) 0);
    }
  }

  /** The shared secret Z; refuses an all-zero result (a small-order public key), as RFC 7748 §6.1 allows. */
  static byte[] agree(XECPrivateKey privateKey, XECPublicKey publicKey) throws GeneralSecurityException {
    var agreement = KeyAgreement.getInstance("X25519");
    agreement.init(privateKey);
    agreement.doPhase(publicKey, true);
    byte[] z = agreement.generateSecret();
    int bits = 0;
    for (byte b : z) {
      bits |= b;
    }
    if (bits == 0) {
      throw new InvalidKeyException("X25519 public key of small order");
    }
    return z;
  }
}
