package dev.handoff;

import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mints and opens URL tokens, and computes the keyed digest of a token's nonce. The format is in
 * {@code docs/token-format.md}: compact JWE, {@code alg=dir} (or {@code ECDH-ES+A256KW} for split deployments),
 * {@code enc=A256GCM}.
 *
 * <p>Minting a {@code dir} token builds no JSON tree and no JOSE objects: the header is precomputed per sub-key,
 * the claims are written straight into a buffer, and a per-thread cipher encrypts them under a fresh random IV.
 * Opening checks length, form and header before touching a key, and every failure is the same INVALID_TOKEN.
 * Thread-safe; the key ring can be replaced at any time with {@link #rotate}.
 */
final class TokenCodec {
  private static final Logger log = LoggerFactory.getLogger(TokenCodec.class);
  private static final int IV_BYTES = 12;
  private static final int TAG_BYTES = 16;
  private static final int IV_CHARS = 16;
  private static final int TAG_CHARS = 22;
  /** A token's header is small; anything longer is refused before decoding. */
  static final int MAX_HEADER_CHARS = 1024;

  private final Duration clockSkew;
  private final int maxTokenLength;
  private final long subKeyUses;
  private final ThreadLocal<TokenScratch> scratch = ThreadLocal.withInitial(TokenScratch::new);
  private volatile InstalledRing keys;
  /** No purpose label: the token digest predates the others and its format is documented in token-format.md. */
  private final KeyedDigest nonceDigests = new KeyedDigest(this::ring, MasterKey::tokenDigestKey, null);

  TokenCodec(KeyRing keys, Duration clockSkew, int maxTokenLength) {
    this(keys, clockSkew, maxTokenLength, SubKey.MAX_USES);
  }

  /** With {@code subKeyUses} tokens per sub-key instead of {@link SubKey#MAX_USES}: for tests. */
  TokenCodec(KeyRing keys, Duration clockSkew, int maxTokenLength, long subKeyUses) {
    this.keys = new InstalledRing(Objects.requireNonNull(keys, "keys"));
    this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
    this.maxTokenLength = maxTokenLength;
    this.subKeyUses = subKeyUses;
  }

  /** Replaces the key ring at once: the next mint uses its active key, and keys not in it stop opening tokens. */
  void rotate(KeyRing next) {
    this.keys = new InstalledRing(Objects.requireNonNull(next, "keys"));
  }

  /** The key ring in use now; other digests (browser secrets, one-time codes) follow its rotations. */
  KeyRing ring() {
    return keys.ring;
  }

  /** A fresh random nonce of 128 bits, URL-safe. */
  String newNonce() {
    var s = scratch.get();
    byte[] bytes = new byte[16];
    s.random.nextBytes(bytes);
    byte[] chars = new byte[Base64Url.encodedLength(bytes.length)];
    Base64Url.encode(bytes, 0, bytes.length, chars, 0);
    return new String(chars, StandardCharsets.ISO_8859_1);
  }

  /**
   * The keyed digest of a nonce, as stored instead of the token: {@code <kid>.<base64url(HMAC-SHA256)>}, the kid
   * naming the secret whose digest key was used, so that digests stored before a rotation still match.
   */
  String digest(String nonce) {
    return nonceDigests.digest(nonce);
  }

  /** Whether {@code nonce} has the stored digest, compared in constant time; false if its kid was retired. */
  boolean matches(String nonce, String storedDigest) {
    return nonce != null && storedDigest != null && nonceDigests.matches(nonce, storedDigest);
  }

  /** The compact JWE of the claims under the active key. */
  String mint(TokenClaims claims) {
    InstalledRing ring = keys;
    var s = scratch.get();
    byte[] plain = s.plain(ClaimsJson.maxLength(claims));
    int plainLength = ClaimsJson.write(claims, plain);
    if (ring.activeSecret == null) {
      return mintAgreement(ring, plain, plainLength);
    }
    SubKey key = mintingKey(ring, s);
    try {
      s.nextIv();
      Cipher gcm = s.gcm;
      gcm.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BYTES * 8, s.iv));
      gcm.updateAAD(key.encodedHeader());
      byte[] sealed = s.sealed(plainLength + TAG_BYTES);
      int sealedLength = gcm.doFinal(plain, 0, plainLength, sealed, 0);
      int cipherLength = sealedLength - TAG_BYTES;
      byte[] header = key.encodedHeader();
      byte[] out = s.text(header.length + 4 + IV_CHARS + Base64Url.encodedLength(cipherLength) + TAG_CHARS);
      System.arraycopy(header, 0, out, 0, header.length);
      int p = header.length;
      out[p++] = '.';
      out[p++] = '.';
      p = Base64Url.encode(s.iv, 0, IV_BYTES, out, p);
      out[p++] = '.';
      p = Base64Url.encode(sealed, 0, cipherLength, out, p);
      out[p++] = '.';
      p = Base64Url.encode(sealed, cipherLength, TAG_BYTES, out, p);
      return new String(out, 0, p, StandardCharsets.ISO_8859_1);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("token encryption failed: " + e.getClass().getSimpleName(), e);
    }
  }

  /** This thread's sub-key of the active master secret, replaced when the ring rotates or it is used up. */
  private SubKey mintingKey(InstalledRing ring, TokenScratch s) {
    if (s.mintRing != ring || ++s.mintUses > subKeyUses) {
      s.mintKey = SubKey.mint(ring.activeSecret, s.random);
      s.mintRing = ring;
      s.mintUses = 1;
      // This node opens its own tokens without deriving the key again.
      ring.remember(s.mintKey);
    }
    return s.mintKey;
  }

  private static String mintAgreement(InstalledRing ring, byte[] plain, int plainLength) {
    byte[] payload = java.util.Arrays.copyOf(plain, plainLength);
    try {
      var jwe = new JWEObject(ring.agreementHeader, new Payload(payload));
      jwe.encrypt(ring.agreementEncrypter);
      return jwe.serialize();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException("token encryption failed: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Decrypts and checks a token from untrusted input: its length and form, its header against the allow-list,
   * its key, its authenticity, its claims, and that it was not issued in the future beyond the clock skew.
   * Expiry is the caller's to check against {@link TokenClaims#expiresAt()}, with the same skew.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} for any failure, without saying which
   */
  TokenClaims open(String token, Instant now) {
    try {
      return decrypt(token, now);
    } catch (TokenRejected e) {
      log.debug("token rejected: {}", e.getMessage());
    } catch (GeneralSecurityException | com.nimbusds.jose.JOSEException | java.text.ParseException
        | RuntimeException e) {
      // Never the exception's message: a library may quote the input.
      log.debug("token rejected: {}", e.getClass().getSimpleName());
    }
    throw invalid();
  }

  private TokenClaims decrypt(String token, Instant now) throws GeneralSecurityException,
      com.nimbusds.jose.JOSEException, java.text.ParseException {
    if (token == null) {
      throw new TokenRejected("no token");
    }
    int length = token.length();
    if (length > maxTokenLength) {
      throw new TokenRejected("too long");
    }
    // Five parts, found before anything is decoded (String.indexOf is vectorised). Every character of every part
    // is then checked against the base64url alphabet as the part is decoded or compared.
    int[] dots = new int[4];
    int at = -1;
    for (int i = 0; i < 4; i++) {
      at = token.indexOf('.', at + 1);
      if (at < 0) {
        throw new TokenRejected("not five parts");
      }
      dots[i] = at;
    }
    if (token.indexOf('.', at + 1) >= 0) {
      throw new TokenRejected("not five parts");
    }
    // A non-Latin-1 character becomes '?', which the alphabet check refuses.
    byte[] text = token.getBytes(StandardCharsets.ISO_8859_1);
    var s = scratch.get();
    InstalledRing ring = keys;
    TokenClaims claims;
    SubKey known = ring.knownHeader(text, dots[0]);
    if (known != null) {
      // Exactly a header this ring minted (dir, A256GCM, our typ, a known kid): nothing left to check in it.
      claims = openDirect(text, dots, known, false, ring, s, known.encodedHeader());
    } else {
      claims = openParsed(token, text, dots, ring, s);
    }
    if (claims.issuedAt().isAfter(now.plus(clockSkew))) {
      throw new TokenRejected("issued in the future");
    }
    return claims;
  }

  private static TokenClaims openParsed(String token, byte[] text, int[] dots, InstalledRing ring, TokenScratch s)
      throws GeneralSecurityException, com.nimbusds.jose.JOSEException, java.text.ParseException {
    if (dots[0] == 0 || dots[0] > MAX_HEADER_CHARS) {
      throw new TokenRejected("header length");
    }
    byte[] headerJson = s.plain(dots[0]);
    int headerLength = Base64Url.decode(text, 0, dots[0], headerJson, 0);
    var header = JoseHeader.parse(headerJson, 0, headerLength);
    if (!JoseHeader.A256GCM.equals(header.enc())) {
      throw new TokenRejected("enc not allowed");
    }
    if (header.typ() != null && !JoseHeader.TYPE.equals(header.typ())) {
      throw new TokenRejected("typ not allowed");
    }
    if (JoseHeader.ECDH_ES_A256KW.equals(header.alg())) {
      for (int i = dots[0]; i < text.length; i++) {
        if (text[i] != '.' && !Base64Url.isAlphabet(text[i])) {
          throw new TokenRejected("not base64url");
        }
      }
      // nimbus decodes leniently: one token must not have several spellings, so each part is canonical here.
      for (int part = 0; part < 4; part++) {
        Base64Url.requireCanonical(text, dots[part] + 1, part < 3 ? dots[part + 1] : text.length);
      }
      return openAgreement(token, header, ring);
    }
    if (!JoseHeader.DIR.equals(header.alg())) {
      throw new TokenRejected("alg not allowed");
    }
    if (header.hasAgreementMembers()) {
      throw new TokenRejected("agreement members with dir");
    }
    SubKey key = ring.subKey(header.kid());
    if (key == null) {
      throw new TokenRejected("unknown kid");
    }
    // The header's characters, as sent, are the AAD.
    return openDirect(text, dots, key, true, ring, s, java.util.Arrays.copyOf(text, dots[0]));
  }

  private static TokenClaims openDirect(byte[] token, int[] dots, SubKey key, boolean remember, InstalledRing ring,
      TokenScratch s, byte[] aad) throws GeneralSecurityException {
    if (dots[1] != dots[0] + 1 || dots[2] - dots[1] - 1 != IV_CHARS
        || token.length - dots[3] - 1 != TAG_CHARS) {
      throw new TokenRejected("dir part lengths");
    }
    int cipherChars = dots[3] - dots[2] - 1;
    int cipherLength = Base64Url.decodedLength(cipherChars);
    if (cipherLength < 1) {
      throw new TokenRejected("ciphertext length");
    }
    Base64Url.decode(token, dots[1] + 1, dots[2], s.iv, 0);
    byte[] sealed = s.sealed(cipherLength + TAG_BYTES);
    Base64Url.decode(token, dots[2] + 1, dots[3], sealed, 0);
    Base64Url.decode(token, dots[3] + 1, token.length, sealed, cipherLength);
    Cipher gcm = s.gcm;
    gcm.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BYTES * 8, s.iv));
    gcm.updateAAD(aad);
    byte[] plain = s.plain(cipherLength);
    int plainLength = gcm.doFinal(sealed, 0, cipherLength + TAG_BYTES, plain, 0);
    TokenClaims claims = ClaimsJson.read(plain, 0, plainLength);
    if (remember) {
      ring.remember(key);
    }
    return claims;
  }

  private static TokenClaims openAgreement(String token, JoseHeader header, InstalledRing ring)
      throws com.nimbusds.jose.JOSEException, java.text.ParseException {
    var decrypter = ring.decrypter(header.kid());
    if (decrypter == null) {
      throw new TokenRejected("unknown kid");
    }
    var jwe = JWEObject.parse(token);
    // nimbus read the header again: it must agree with what was checked.
    var parsed = jwe.getHeader();
    if (!JoseHeader.ECDH_ES_A256KW.equals(parsed.getAlgorithm().getName())
        || !JoseHeader.A256GCM.equals(parsed.getEncryptionMethod().getName())
        || !header.kid().equals(parsed.getKeyID()) || parsed.getCompressionAlgorithm() != null
        || parsed.getCriticalParams() != null) {
      throw new TokenRejected("header mismatch");
    }
    jwe.decrypt(decrypter);
    byte[] plain = jwe.getPayload().toBytes();
    return ClaimsJson.read(plain, 0, plain.length);
  }

  static HandoffException invalid() {
    return new HandoffException(ErrorCode.INVALID_TOKEN, "invalid or unknown token");
  }
}
