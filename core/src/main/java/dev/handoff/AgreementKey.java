package dev.handoff;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPublicKey;

/**
 * A key of a {@link KeyRing} for split deployments ({@code ECDH-ES+A256KW}), P-256 ({@code ECPublicKey}) or X25519
 * ({@code XECPublicKey}): the public key mints, the private key, present only on the tier that redeems, opens.
 * {@code toString()} shows the kid only.
 */
record AgreementKey(String kid, PublicKey publicKey, PrivateKey privateKey) {

  boolean opensTokens() {
    return privateKey != null;
  }

  boolean isX25519() {
    return publicKey instanceof XECPublicKey;
  }

  @Override
  public String toString() {
    return "AgreementKey[kid=" + kid + (isX25519() ? ", X25519" : ", P-256") + (privateKey == null ? ", public only" : "")
        + "]";
  }
}
