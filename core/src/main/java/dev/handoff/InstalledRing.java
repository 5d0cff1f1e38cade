package dev.handoff;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEDecrypter;
import com.nimbusds.jose.JWEEncrypter;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link KeyRing} as the codec uses it, with what is expensive to build per token made once: the nimbus
 * encrypter and header of an active agreement key, a decrypter per private agreement key, and a bounded cache of
 * {@code dir} sub-keys already seen. Replaced as a whole on rotation, so that a retired key's sub-keys go with it.
 * Thread-safe (nimbus documents its ECDH encrypter and decrypter as thread-safe, so one of each is shared).
 */
final class InstalledRing {
  /** Sub-keys remembered for redemption; the cache is dropped when full (rare, and only costs re-derivation). */
  private static final int MAX_CACHED_SUB_KEYS = 4096;

  final KeyRing ring;
  /** The active key if it is a master secret, else {@code null}. */
  final MasterKey activeSecret;
  /** The nimbus header and encrypter of the active agreement key, else {@code null}. */
  final JWEHeader agreementHeader;
  final JWEEncrypter agreementEncrypter;
  private final Map<String, JWEDecrypter> decrypters;
  private final ConcurrentHashMap<String, SubKey> subKeys = new ConcurrentHashMap<>();
  /** The same sub-keys by their exact encoded header, so that a token Handoff minted skips header parsing. */
  private final ConcurrentHashMap<HeaderKey, SubKey> byHeader = new ConcurrentHashMap<>();

  InstalledRing(KeyRing ring) {
    this.ring = ring;
    var secret = ring.secret(ring.kid());
    this.activeSecret = secret != null && secret.mintsTokens() ? secret : null;
    try {
      if (activeSecret == null) {
        AgreementKey active = ring.agreementKey(ring.kid());
        agreementHeader = new JWEHeader.Builder(JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A256GCM)
            .keyID(active.kid())
            .type(new JOSEObjectType(JoseHeader.TYPE))
            .build();
        agreementEncrypter = active.isX25519() ? new X25519Encrypter((XECPublicKey) active.publicKey())
            : new ECDHEncrypter((ECPublicKey) active.publicKey());
      } else {
        agreementHeader = null;
        agreementEncrypter = null;
      }
      var map = new HashMap<String, JWEDecrypter>();
      for (String kid : ring.kids()) {
        AgreementKey key = ring.agreementKey(kid);
        if (key != null && key.opensTokens()) {
          map.put(kid, key.isX25519() ? new X25519Decrypter((XECPrivateKey) key.privateKey())
              : new ECDHDecrypter((ECPrivateKey) key.privateKey()));
        }
      }
      this.decrypters = Map.copyOf(map);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("agreement key not usable: " + e.getClass().getSimpleName());
    }
  }

  /** The decrypter of a private agreement key named {@code kid}, or {@code null}. */
  JWEDecrypter decrypter(String kid) {
    return decrypters.get(kid);
  }

  /**
   * The {@code dir} sub-key named {@code kid} if its ring key is a master secret of this ring, else {@code null}.
   * A derived key is not cached here; call {@link #remember} once it has opened a token, so that forged kids
   * cannot fill the cache.
   */
  SubKey subKey(String kid) {
    SubKey cached = subKeys.get(kid);
    if (cached != null) {
      return cached;
    }
    String ringKid = SubKey.ringKid(kid);
    MasterKey secret = ringKid == null ? null : ring.secret(ringKid);
    return secret == null || !secret.mintsTokens() ? null : SubKey.derive(secret, kid);
  }

  /** The remembered sub-key whose precomputed header is exactly {@code token[0, length)}, or {@code null}. */
  SubKey knownHeader(byte[] token, int length) {
    return byHeader.get(new HeaderKey(token, 0, length));
  }

  void remember(SubKey key) {
    if (subKeys.size() >= MAX_CACHED_SUB_KEYS) {
      subKeys.clear();
      byHeader.clear();
    }
    if (subKeys.putIfAbsent(key.kid(), key) == null) {
      byHeader.put(new HeaderKey(key.encodedHeader(), 0, key.encodedHeader().length), key);
    }
  }
}
