package dev.handoff;

import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * The keys of an engine, each named by a key id ({@code kid}): one <em>active</em> key mints tokens, every other
 * key of the ring is still accepted for redemption until a new ring without it is installed with
 * {@link Handoff#rotateKeys(KeyRing)}. A token whose {@code kid} is not in the ring is rejected like any other
 * invalid token.
 *
 * <p>A ring holds two kinds of keys:
 *
 * <ul>
 *   <li><b>secrets</b> of 256 bits. From a <em>master secret</em> HKDF-SHA256 derives one key per purpose: token
 *       encryption ({@code alg=dir}, {@code enc=A256GCM}), the keyed digest of a token's nonce kept at rest, and
 *       the keyed digest of one-time codes. A <em>digest-only secret</em> yields the two digest keys only.
 *   <li><b>agreement keys</b>, P-256 or X25519, for split deployments ({@code alg=ECDH-ES+A256KW}): the tier that mints
 *       holds the public key only, the tier that redeems the private key. Both tiers also need the same secret,
 *       for the digest of each token's nonce that the minting tier stores and the redeeming tier checks.
 * </ul>
 *
 * <p>Sources: {@link Builder#masterSecret}, {@link Builder#digestSecret}, {@link Builder#jwkSet} (JWK Set JSON) and
 * {@link Builder#pem} (PEM text); {@link #generate()} for development. The token format, the derivations and the
 * rotation procedure are described in {@code docs/token-format.md}.
 *
 * <p>Immutable and thread-safe. Neither {@code toString()} nor any exception message shows key material:
 * {@code toString()} shows the key ids only.
 */
public final class KeyRing {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(KeyRing.class);
  /** Length of a master secret or digest secret in bytes. */
  public static final int MASTER_SECRET_BYTES = 32;
  /** The longest key id. */
  public static final int MAX_KID_LENGTH = 40;

  private final Map<String, MasterKey> secrets;
  private final Map<String, AgreementKey> agreementKeys;
  private final String activeKid;
  private final String digestKid;
  private final boolean generated;

  private KeyRing(Builder b, boolean generated) {
    this.secrets = Collections.unmodifiableMap(new LinkedHashMap<>(b.secrets));
    this.agreementKeys = Collections.unmodifiableMap(new LinkedHashMap<>(b.agreementKeys));
    this.generated = generated;
    String active = b.activeKid;
    if (active == null) {
      active = b.mintingKids.isEmpty() ? null : b.mintingKids.iterator().next();
    }
    if (active == null) {
      throw new IllegalArgumentException("a key ring needs a master secret or an agreement key to mint tokens");
    }
    if (!b.mintingKids.contains(active)) {
      throw new IllegalArgumentException("active kid " + active + " is not a key of the ring that mints tokens");
    }
    this.activeKid = active;
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("a key ring needs a master secret or a digest secret for token digests");
    }
    // The active kid's digest key if it has one, else the first secret's.
    this.digestKid = secrets.containsKey(active) ? active : secrets.keySet().iterator().next();
  }

  /**
   * A ring of one master secret, which is active.
   *
   * @param kid the key id: 1 to {@value #MAX_KID_LENGTH} characters of {@code [A-Za-z0-9_-]}
   * @param masterSecret exactly {@value #MASTER_SECRET_BYTES} bytes of secret randomness; copied, not kept
   * @throws IllegalArgumentException if the key id or the secret's length is invalid
   */
  public static KeyRing fromMasterSecret(String kid, byte[] masterSecret) {
    return builder().masterSecret(kid, masterSecret).build();
  }

  /**
   * A ring of the keys of a JWK Set, the first key that can mint being active. See {@link Builder#jwkSet}.
   *
   * @throws IllegalArgumentException if the JSON is not a JWK Set of supported keys
   */
  public static KeyRing fromJwkSet(String jwkSetJson) {
    return builder().jwkSet(jwkSetJson).build();
  }

  /**
   * A ring from a fresh random master secret. Tokens minted with it cannot be redeemed by another node or after a
   * restart: for development and tests. An engine built without keys uses one and logs a warning.
   */
  public static KeyRing generate() {
    var random = new SecureRandom();
    byte[] secret = new byte[MASTER_SECRET_BYTES];
    random.nextBytes(secret);
    byte[] kidBytes = new byte[6];
    random.nextBytes(kidBytes);
    var builder = builder().masterSecret("gen-" + Base64.getUrlEncoder().withoutPadding().encodeToString(kidBytes),
        secret);
    Arrays.fill(secret, (byte) 0);
    return new KeyRing(builder, true);
  }

  /** Starts assembling a ring from several keys. */
  public static Builder builder() {
    return new Builder();
  }

  /** The key id of the active key, which mints every new token. */
  public String kid() {
    return activeKid;
  }

  /** The key ids of every key in the ring, in the order they were added. */
  public Set<String> kids() {
    var kids = new LinkedHashSet<String>(secrets.keySet());
    kids.addAll(agreementKeys.keySet());
    return Collections.unmodifiableSet(kids);
  }

  /** Whether this ring was generated at start-up rather than configured. */
  public boolean isGenerated() {
    return generated;
  }

  /**
   * Exports the content-encryption keys of {@code dir} tokens as a JWK Set, so that any JOSE library opens such a
   * token with the exported key alone (no HKDF step). Each token names its key in its protected header's
   * {@code kid}, {@code <ring kid>.<salt>} (read it with {@link #tokenKeyId}); every node mints under short-lived
   * keys of that form, derived from the ring's master secret, so keys are exported by those full kids, one
   * {@code oct} key ({@code alg=dir}, {@code use=enc}) each, in the order given, duplicates once.
   *
   * <p>For interoperability with a party that opens tokens itself, and for incident response. <b>The result is
   * secret</b>: whoever holds it can read, and forge, tokens under those kids until the ring secret is retired.
   * The master secret itself is never exported; nor is anything for split-deployment ({@code ECDH-ES+A256KW})
   * tokens, whose private key the embedder already holds. Each export is logged at WARN with the kids only.
   *
   * @param tokenKids the {@code kid}s of the tokens whose keys to export; at least one
   * @return the JWK Set as JSON, {@code {"keys":[...]}}, secret values included
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} if the collection is null or empty, or a kid is not
   *     {@code <ring kid>.<salt>} for a master secret of this ring (the message names the kid: kids are not
   *     secret)
   */
  public String exportTokenKeys(Collection<String> tokenKids) {
    if (tokenKids == null || tokenKids.isEmpty()) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "name at least one token kid to export");
    }
    var keys = new ArrayList<JWK>();
    var seen = new LinkedHashSet<String>();
    for (String kid : tokenKids) {
      String ringKid = kid == null ? null : SubKey.ringKid(kid);
      MasterKey secret = ringKid == null ? null : secrets.get(ringKid);
      if (secret == null || !secret.mintsTokens()) {
        throw new HandoffException(ErrorCode.INVALID_REQUEST, "not a token kid of this ring's master secrets: "
            + (kid == null ? "null" : kid.length() > 64 ? kid.substring(0, 64) + "..." : kid));
      }
      if (seen.add(kid)) {
        byte[] key = SubKey.derive(secret, kid).key().getEncoded();
        try {
          keys.add(new OctetSequenceKey.Builder(key).keyID(kid).algorithm(JWEAlgorithm.DIR)
              .keyUse(KeyUse.ENCRYPTION).build());
        } finally {
          Arrays.fill(key, (byte) 0);
        }
      }
    }
    log.warn("exported the token keys of kids {}", seen);
    return new JWKSet(keys).toString(false);
  }

  /**
   * The {@code kid} of a token's protected header, read without any key and without decrypting: the name to pass
   * to {@link #exportTokenKeys}.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} if the token has no readable Handoff header
   */
  public static String tokenKeyId(String token) {
    int dot = token == null ? -1 : token.indexOf('.');
    if (dot < 1 || dot > TokenCodec.MAX_HEADER_CHARS) {
      throw TokenCodec.invalid();
    }
    try {
      byte[] text = token.substring(0, dot).getBytes(StandardCharsets.ISO_8859_1);
      byte[] json = new byte[text.length];
      int length = Base64Url.decode(text, 0, text.length, json, 0);
      return JoseHeader.parse(json, 0, length).kid();
    } catch (TokenRejected e) {
      throw TokenCodec.invalid();
    }
  }

  /** The secret named {@code kid} if it is one of the ring. */
  MasterKey secret(String kid) {
    return secrets.get(kid);
  }

  /** The agreement key named {@code kid} if it is one of the ring. */
  AgreementKey agreementKey(String kid) {
    return agreementKeys.get(kid);
  }

  /** The secret whose digest key digests every new token's nonce. */
  MasterKey digestSecret() {
    return secrets.get(digestKid);
  }

  /** The key of the keyed digest of one-time codes (for a later feature; nothing uses it yet). */
  SecretKey otpDigestKey() {
    return secrets.get(digestKid).otpDigestKey();
  }

  @Override
  public String toString() {
    return "KeyRing[active=" + activeKid + ", kids=" + kids() + (generated ? ", generated" : "") + "]";
  }

  static boolean isValidKid(String kid) {
    if (kid == null || kid.isEmpty() || kid.length() > MAX_KID_LENGTH) {
      return false;
    }
    for (int i = 0; i < kid.length(); i++) {
      char c = kid.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Assembles a {@link KeyRing}. Key ids must be unique across the ring. The active key is the one named with
   * {@link #activeKid}, else the first key added that can mint (a master secret or an agreement key). Not
   * thread-safe; the ring it builds is.
   */
  public static final class Builder {
    private final Map<String, MasterKey> secrets = new LinkedHashMap<>();
    private final Map<String, AgreementKey> agreementKeys = new LinkedHashMap<>();
    private final Set<String> mintingKids = new LinkedHashSet<>();
    private String activeKid;

    private Builder() {}

    /**
     * Adds a 256-bit master secret: it mints and opens {@code dir} tokens and keys the digests.
     *
     * @param masterSecret exactly {@value #MASTER_SECRET_BYTES} bytes of secret randomness; copied, not kept
     */
    public Builder masterSecret(String kid, byte[] masterSecret) {
      addSecret(kid, masterSecret, true);
      return this;
    }

    /**
     * Adds a 256-bit secret that keys the digests only, e.g. on the minting tier of a split deployment, which must
     * not be able to open tokens.
     *
     * @param secret exactly {@value #MASTER_SECRET_BYTES} bytes of secret randomness; copied, not kept
     */
    public Builder digestSecret(String kid, byte[] secret) {
      addSecret(kid, secret, false);
      return this;
    }

    /**
     * Adds every key of a JWK Set (RFC 7517), in its order: {@code kty=oct} of 256 bits with {@code alg} absent
     * or {@code dir} is a master secret, with {@code alg=HS256} a digest-only secret; {@code kty=EC} with
     * {@code crv=P-256} or {@code kty=OKP} with {@code crv=X25519} (and {@code alg} absent or
     * {@code ECDH-ES+A256KW}) an agreement key, private if it has {@code d}. Every key needs a {@code kid};
     * {@code use}, if present, must be {@code enc}.
     *
     * @throws IllegalArgumentException if the JSON is not a JWK Set of such keys
     */
    public Builder jwkSet(String jwkSetJson) {
      JwkSetKeys.addTo(this, Objects.requireNonNull(jwkSetJson, "jwkSetJson"));
      return this;
    }

    /**
     * Adds a P-256 or X25519 agreement key from PEM text: a PKCS#8 {@code PRIVATE KEY} or (P-256) SEC 1
     * {@code EC PRIVATE KEY} (redeems and mints) or an X.509 {@code PUBLIC KEY} (mints only).
     *
     * @throws IllegalArgumentException if the text holds no such key
     */
    public Builder pem(String kid, String pem) {
      requireNewKid(kid);
      agreementKey(PemKeys.read(kid, Objects.requireNonNull(pem, "pem")));
      return this;
    }

    /** Names the key that mints; by default the first key added that can. */
    public Builder activeKid(String kid) {
      this.activeKid = Objects.requireNonNull(kid, "kid");
      return this;
    }

    /**
     * @throws IllegalArgumentException if the ring has no key that mints, no secret for digests, or the active
     *     kid names no key that mints
     */
    public KeyRing build() {
      return new KeyRing(this, false);
    }

    Builder agreementKey(AgreementKey key) {
      requireNewKid(key.kid());
      agreementKeys.put(key.kid(), key);
      mintingKids.add(key.kid());
      return this;
    }

    private void addSecret(String kid, byte[] secret, boolean forTokens) {
      requireNewKid(kid);
      Objects.requireNonNull(secret, "secret");
      if (secret.length != MASTER_SECRET_BYTES) {
        throw new IllegalArgumentException("the secret of kid " + kid + " must be " + MASTER_SECRET_BYTES
            + " bytes, got " + secret.length);
      }
      secrets.put(kid, MasterKey.derive(kid, secret, forTokens));
      if (forTokens) {
        mintingKids.add(kid);
      }
    }

    private void requireNewKid(String kid) {
      if (!isValidKid(kid)) {
        throw new IllegalArgumentException("kid must be 1 to " + MAX_KID_LENGTH + " characters of [A-Za-z0-9_-]");
      }
      if (secrets.containsKey(kid) || agreementKeys.containsKey(kid)) {
        throw new IllegalArgumentException("kid " + kid + " is already in the ring");
      }
    }
  }
}
