package dev.handoff;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Reads a P-256 or X25519 key for {@code ECDH-ES+A256KW} from PEM text: a PKCS#8 {@code PRIVATE KEY}, a SEC 1
 * {@code EC PRIVATE KEY} (P-256) or an X.509 {@code PUBLIC KEY}, as {@code openssl} writes them. A private key
 * yields its public key too, so the tier that redeems can also mint.
 */
final class PemKeys {
  private static final ASN1ObjectIdentifier P256 = SECObjectIdentifiers.secp256r1;
  /** id-X25519 (RFC 8410); BouncyCastle keeps its constant internal. */
  private static final ASN1ObjectIdentifier X25519 = new ASN1ObjectIdentifier("1.3.101.110");

  private PemKeys() {}

  static AgreementKey read(String kid, String pem) {
    try (var reader = new PemReader(new StringReader(pem))) {
      PemObject object;
      PublicKey publicKey = null;
      while ((object = reader.readPemObject()) != null) {
        switch (object.getType()) {
          case "PRIVATE KEY":
            return fromPrivateKeyInfo(kid, PrivateKeyInfo.getInstance(object.getContent()));
          case "EC PRIVATE KEY":
            var sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(object.getContent());
            return fromPrivateKeyInfo(kid, new PrivateKeyInfo(
                new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, sec1.getParametersObject()), sec1));
          case "PUBLIC KEY":
            publicKey = publicKey(kid, SubjectPublicKeyInfo.getInstance(object.getContent()));
            break;
          default:
            throw new IllegalArgumentException("PEM for kid " + kid + ": unsupported block " + object.getType());
        }
      }
      if (publicKey == null) {
        throw new IllegalArgumentException("PEM for kid " + kid + " holds no key");
      }
      return new AgreementKey(kid, publicKey, null);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
          && iae.getMessage().startsWith("PEM for kid")) {
        throw iae;
      }
      // The cause's message may quote key bytes: keep only its type.
      throw new IllegalArgumentException("PEM for kid " + kid + " is not a readable P-256 key ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  private static AgreementKey fromPrivateKeyInfo(String kid, PrivateKeyInfo info) throws IOException,
      GeneralSecurityException {
    if (X25519.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
      var privateKey = (XECPrivateKey) KeyFactory.getInstance("X25519")
          .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
      return new AgreementKey(kid, X25519Keys.publicOf(privateKey), privateKey);
    }
    requireP256(kid, info.getPrivateKeyAlgorithm());
    var privateKey = (ECPrivateKey) KeyFactory.getInstance("EC")
        .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    var sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
    byte[] point;
    if (sec1.getPublicKey() != null) {
      point = sec1.getPublicKey().getOctets();
    } else {
      // Q = d·G when the file omits the optional public key.
      BigInteger d = privateKey.getS();
      var curve = ECNamedCurveTable.getByOID(P256);
      point = new FixedPointCombMultiplier().multiply(curve.getG(), d).normalize().getEncoded(false);
    }
    var spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, P256), point);
    return new AgreementKey(kid, publicKey(kid, spki), privateKey);
  }

  private static PublicKey publicKey(String kid, SubjectPublicKeyInfo info) throws IOException,
      GeneralSecurityException {
    if (X25519.equals(info.getAlgorithm().getAlgorithm())) {
      return KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(info.getEncoded()));
    }
    requireP256(kid, info.getAlgorithm());
    return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(info.getEncoded()));
  }

  private static void requireP256(String kid, AlgorithmIdentifier algorithm) {
    var oid = algorithm.getAlgorithm();
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(oid) || !P256.equals(algorithm.getParameters())) {
      throw new IllegalArgumentException("PEM for kid " + kid + ": only P-256 and X25519 keys are supported");
    }
  }
}
