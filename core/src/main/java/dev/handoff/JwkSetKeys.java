package dev.handoff;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import java.text.ParseException;
import java.util.Arrays;

/**
 * Adds the keys of a JWK Set (RFC 7517) to a {@link KeyRing.Builder}, in the set's order:
 *
 * <ul>
 *   <li>{@code kty=oct}, 256 bits, {@code alg} absent or {@code dir}: a master secret (tokens and digests);
 *   <li>{@code kty=oct}, 256 bits, {@code alg=HS256}: a digest-only secret, e.g. for the minting tier of a split
 *       deployment;
 *   <li>{@code kty=EC}, {@code crv=P-256}, or {@code kty=OKP}, {@code crv=X25519}, with {@code alg} absent or
 *       {@code ECDH-ES+A256KW}: a split-deployment key, public (mints) or private (also redeems).
 * </ul>
 */
final class JwkSetKeys {
  private JwkSetKeys() {}

  static void addTo(KeyRing.Builder builder, String json) {
    JWKSet set;
    try {
      set = JWKSet.parse(json);
    } catch (ParseException e) {
      // nimbus' message may quote the JSON, which holds secrets.
      throw new IllegalArgumentException("not a JWK Set (" + e.getClass().getSimpleName() + ")");
    }
    if (set.getKeys().isEmpty()) {
      throw new IllegalArgumentException("the JWK Set holds no key");
    }
    for (JWK jwk : set.getKeys()) {
      add(builder, jwk);
    }
  }

  private static void add(KeyRing.Builder builder, JWK jwk) {
    String kid = jwk.getKeyID();
    if (kid == null) {
      throw new IllegalArgumentException("every key of the JWK Set needs a kid");
    }
    if (jwk.getKeyUse() != null && !KeyUse.ENCRYPTION.equals(jwk.getKeyUse())) {
      throw new IllegalArgumentException("JWK " + kid + ": use must be absent or enc");
    }
    Algorithm alg = jwk.getAlgorithm();
    if (jwk instanceof OctetSequenceKey oct) {
      byte[] secret = oct.toByteArray();
      try {
        if (alg == null || JWEAlgorithm.DIR.equals(alg)) {
          builder.masterSecret(kid, secret);
        } else if (JWSAlgorithm.HS256.getName().equals(alg.getName())) {
          builder.digestSecret(kid, secret);
        } else {
          throw new IllegalArgumentException("JWK " + kid + ": an oct key's alg must be absent, dir or HS256");
        }
      } finally {
        Arrays.fill(secret, (byte) 0);
      }
    } else if (jwk instanceof ECKey ec) {
      if (!Curve.P_256.equals(ec.getCurve())) {
        throw new IllegalArgumentException("JWK " + kid + ": only the P-256 curve is supported");
      }
      if (alg != null && !JWEAlgorithm.ECDH_ES_A256KW.equals(alg)) {
        throw new IllegalArgumentException("JWK " + kid + ": an EC key's alg must be absent or ECDH-ES+A256KW");
      }
      try {
        builder.agreementKey(new AgreementKey(kid, ec.toECPublicKey(), ec.isPrivate() ? ec.toECPrivateKey() : null));
      } catch (JOSEException e) {
        throw new IllegalArgumentException("JWK " + kid + " is not a valid P-256 key");
      }
    } else if (jwk instanceof OctetKeyPair okp) {
      if (!Curve.X25519.equals(okp.getCurve())) {
        throw new IllegalArgumentException("JWK " + kid + ": an OKP key must be X25519");
      }
      if (alg != null && !JWEAlgorithm.ECDH_ES_A256KW.equals(alg)) {
        throw new IllegalArgumentException("JWK " + kid + ": an OKP key's alg must be absent or ECDH-ES+A256KW");
      }
      try {
        var publicKey = X25519Keys.publicKey(okp.getDecodedX());
        var privateKey = okp.isPrivate() ? X25519Keys.privateKey(okp.getDecodedD()) : null;
        builder.agreementKey(new AgreementKey(kid, publicKey, privateKey));
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalArgumentException("JWK " + kid + " is not a valid X25519 key");
      }
    } else {
      throw new IllegalArgumentException("JWK " + kid + ": unsupported key type " + jwk.getKeyType());
    }
  }
}
