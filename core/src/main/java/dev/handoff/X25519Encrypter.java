package dev.handoff;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWECryptoParts;
import com.nimbusds.jose.JWEEncrypter;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.impl.AAD;
import com.nimbusds.jose.crypto.impl.ECDHCryptoProvider;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.util.Arrays;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code ECDH-ES+A256KW} encryption to an X25519 public key: nimbus' ECDH-ES machinery (Concat KDF, key wrap,
 * content encryption) with the shared secret computed by the JDK instead of Tink. Mirrors nimbus' own
 * X25519Encrypter. Thread-safe: every call has its own ephemeral key.
 */
final class X25519Encrypter extends ECDHCryptoProvider implements JWEEncrypter {
  private final XECPublicKey publicKey;

  X25519Encrypter(XECPublicKey publicKey) throws JOSEException {
    super(Curve.X25519, null);
    this.publicKey = publicKey;
  }

  @Override
  public Set<Curve> supportedEllipticCurves() {
    return Set.of(Curve.X25519);
  }

  @Override
  public JWECryptoParts encrypt(JWEHeader header, byte[] clearText, byte[] aad) throws JOSEException {
    byte[] z = null;
    try {
      var generator = KeyPairGenerator.getInstance("X25519");
      var ephemeral = generator.generateKeyPair();
      var epk = new OctetKeyPair.Builder(Curve.X25519,
          Base64URL.encode(X25519Keys.raw((XECPublicKey) ephemeral.getPublic()))).build();
      var updated = new JWEHeader.Builder(header).ephemeralPublicKey(epk).build();
      z = X25519Keys.agree((XECPrivateKey) ephemeral.getPrivate(), publicKey);
      // The AAD covers the header, which now carries the ephemeral key.
      byte[] updatedAad = Arrays.equals(AAD.compute(header), aad) ? AAD.compute(updated) : aad;
      return encryptWithZ(updated, new SecretKeySpec(z, "AES"), clearText, updatedAad);
    } catch (GeneralSecurityException e) {
      throw new JOSEException("X25519 key agreement failed: " + e.getClass().getSimpleName(), e);
    } finally {
      if (z != null) {
        Arrays.fill(z, (byte) 0);
      }
    }
  }
}
