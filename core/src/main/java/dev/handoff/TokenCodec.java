package dev.handoff;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mints and opens URL tokens: compact JWE ({@code alg=dir}, {@code enc=A256GCM}, header {@code kid}), and
 * computes the keyed digest of a token's nonce. All token handling lives here, so that it can be hardened and
 * optimised in one place. Thread-safe.
 */
final class TokenCodec {
  private static final Logger log = LoggerFactory.getLogger(TokenCodec.class);
  private static final JOSEObjectType TYPE = new JOSEObjectType("handoff+jwt");
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final KeyRing keys;
  private final Duration clockSkew;
  private final int maxTokenLength;
  private final SecureRandom random = new SecureRandom();

  TokenCodec(KeyRing keys, Duration clockSkew, int maxTokenLength) {
    this.keys = keys;
    this.clockSkew = clockSkew;
    this.maxTokenLength = maxTokenLength;
  }

  /** A fresh random nonce of 128 bits, URL-safe. */
  String newNonce() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return BASE64URL.encodeToString(bytes);
  }

  /** The keyed digest (HMAC-SHA256) of a nonce, as stored instead of the token. */
  String digest(String nonce) {
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(keys.tokenDigestKey());
      return BASE64URL.encodeToString(mac.doFinal(nonce.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  /** Whether {@code nonce} has the stored digest, compared in constant time. */
  boolean matches(String nonce, String storedDigest) {
    return MessageDigest.isEqual(digest(nonce).getBytes(StandardCharsets.US_ASCII),
        storedDigest.getBytes(StandardCharsets.US_ASCII));
  }

  String mint(TokenClaims claims) {
    var header = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
        .keyID(keys.kid())
        .type(TYPE)
        .build();
    var body = new JWTClaimsSet.Builder()
        .claim("tid", claims.tenant())
        .claim("sid", claims.sessionId())
        .claim("gen", claims.generation())
        .issueTime(Date.from(claims.issuedAt()))
        .expirationTime(Date.from(claims.expiresAt()))
        .jwtID(claims.nonce())
        .build();
    try {
      var jwt = new EncryptedJWT(header, body);
      jwt.encrypt(new DirectEncrypter(keys.tokenEncryptionKey()));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException("token encryption failed", e);
    }
  }

  /**
   * Decrypts and checks a token from untrusted input. Checks its form, header, authenticity and that it was not
   * issued in the future; expiry is the caller's to check against {@link TokenClaims#expiresAt()}.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} for any failure, without saying which
   */
  TokenClaims open(String token, Instant now) {
    try {
      return decrypt(token, now);
    } catch (RuntimeException | java.text.ParseException | com.nimbusds.jose.JOSEException e) {
      log.debug("token rejected: {}", e.getClass().getSimpleName());
      throw invalid();
    }
  }

  private TokenClaims decrypt(String token, Instant now) throws java.text.ParseException,
      com.nimbusds.jose.JOSEException {
    if (token == null || token.length() > maxTokenLength || !hasFiveParts(token)) {
      throw new IllegalArgumentException("malformed");
    }
    var jwt = EncryptedJWT.parse(token);
    var header = jwt.getHeader();
    if (!JWEAlgorithm.DIR.equals(header.getAlgorithm()) || !EncryptionMethod.A256GCM.equals(header.getEncryptionMethod())
        || header.getCompressionAlgorithm() != null || header.getCriticalParams() != null
        || !keys.kid().equals(header.getKeyID())) {
      throw new IllegalArgumentException("header not allowed");
    }
    jwt.decrypt(new DirectDecrypter(keys.tokenEncryptionKey()));
    var claims = jwt.getJWTClaimsSet();
    var claimsOut = new TokenClaims(
        requireString(claims.getClaim("tid")),
        requireString(claims.getClaim("sid")),
        ((Number) claims.getClaim("gen")).longValue(),
        claims.getIssueTime().toInstant(),
        claims.getExpirationTime().toInstant(),
        requireString(claims.getJWTID()));
    if (claimsOut.issuedAt().isAfter(now.plus(clockSkew))) {
      throw new IllegalArgumentException("issued in the future");
    }
    return claimsOut;
  }

  private static String requireString(Object value) {
    if (!(value instanceof String s) || s.isEmpty()) {
      throw new IllegalArgumentException("missing claim");
    }
    return s;
  }

  /**
   * Five parts of canonical base64url: unused trailing bits must be zero, else two different strings would decode
   * to the same token and a changed character would go unnoticed.
   */
  private static boolean hasFiveParts(String token) {
    int parts = 0;
    int start = 0;
    for (int i = 0; i <= token.length(); i++) {
      if (i == token.length() || token.charAt(i) == '.') {
        if (++parts > 5 || !isCanonicalBase64Url(token, start, i)) {
          return false;
        }
        start = i + 1;
      }
    }
    return parts == 5;
  }

  private static boolean isCanonicalBase64Url(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (base64UrlValue(s.charAt(i)) < 0) {
        return false;
      }
    }
    int length = to - from;
    return switch (length % 4) {
      case 1 -> false;
      case 2 -> (base64UrlValue(s.charAt(to - 1)) & 0x0f) == 0;
      case 3 -> (base64UrlValue(s.charAt(to - 1)) & 0x03) == 0;
      default -> true;
    };
  }

  private static int base64UrlValue(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '-' ? 62 : c == '_' ? 63 : -1;
  }

  static HandoffException invalid() {
    return new HandoffException(ErrorCode.INVALID_TOKEN, "invalid or unknown token");
  }
}
