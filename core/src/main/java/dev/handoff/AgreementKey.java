package dev.handoff;

import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;

/**
 * A P-256 key of a {@link KeyRing} for split deployments ({@code ECDH-ES+A256KW}): the public key mints, the
 * private key, present only on the tier that redeems, opens. {@code toString()} shows the kid only.
 */
record AgreementKey(String kid, ECPublicKey publicKey, ECPrivateKey privateKey) {

  boolean opensTokens() {
    return privateKey != null;
  }

  @Override
  public String toString() {
    return "AgreementKey[kid=" + kid + (privateKey == null ? ", public only" : "") + "]";
  }
}
