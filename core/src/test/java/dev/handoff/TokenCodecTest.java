package dev.handoff;

import static dev.handoff.TestKeys.NOW;
import static dev.handoff.TestKeys.claims;
import static dev.handoff.TestKeys.codec;
import static dev.handoff.TestKeys.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Date;
import java.util.HashSet;
import java.util.Set;
import org.jose4j.jwe.ContentEncryptionAlgorithmIdentifiers;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jwe.KeyManagementAlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.AesKey;
import org.junit.jupiter.api.Test;

class TokenCodecTest {
  private static final byte[] SECRET = secret(1);
  private final TokenCodec codec = codec(KeyRing.fromMasterSecret("k1", SECRET));

  @Test
  void roundTrip() {
    var claims = claims("acme", "csn_123", 7);
    String token = codec.mint(claims);
    assertThat(token.split("\\.", -1)).hasSize(5);
    assertThat(token.split("\\.", -1)[1]).isEmpty();
    assertThat(codec.open(token, NOW)).isEqualTo(claims);
  }

  @Test
  void roundTripOfUnusualStrings() {
    var claims = new TokenClaims("tenänt \"quoted\" \\ back 𝄞 €", "s\u2028id", 1, NOW, NOW.plusSeconds(60),
        "n\u00ff");
    assertThat(codec.open(codec.mint(claims), NOW)).isEqualTo(claims);
  }

  @Test
  void everyTokenHasAFreshIvAndNonceStaysOutOfToString() {
    var claims = claims("acme", "s1", 1);
    Set<String> ivs = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      ivs.add(codec.mint(claims).split("\\.")[2]);
    }
    assertThat(ivs).hasSize(100);
    assertThat(claims.toString()).doesNotContain(claims.nonce());
  }

  @Test
  void nimbusDecryptsAHandoffToken() throws Exception {
    var claims = claims("acme", "csn_1", 3);
    var jwt = EncryptedJWT.parse(codec.mint(claims));
    String kid = jwt.getHeader().getKeyID();
    assertThat(kid).startsWith("k1.");
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWEAlgorithm.DIR);
    assertThat(jwt.getHeader().getEncryptionMethod()).isEqualTo(EncryptionMethod.A256GCM);
    assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("handoff+jwt"));
    jwt.decrypt(new DirectDecrypter(TestKeys.subKey(SECRET, kid)));
    var set = jwt.getJWTClaimsSet();
    assertThat(set.getClaims()).containsOnlyKeys("tid", "sid", "gen", "iat", "exp", "jti");
    assertThat(set.getStringClaim("tid")).isEqualTo("acme");
    assertThat(set.getStringClaim("sid")).isEqualTo("csn_1");
    assertThat(set.getLongClaim("gen")).isEqualTo(3);
    assertThat(set.getIssueTime().toInstant()).isEqualTo(claims.issuedAt());
    assertThat(set.getExpirationTime().toInstant()).isEqualTo(claims.expiresAt());
    assertThat(set.getJWTID()).isEqualTo(claims.nonce());
  }

  @Test
  void acceptsATokenBuiltByNimbus() throws Exception {
    String kid = "k1.AAAAAAAAAAAAAAAA";
    var header = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).keyID(kid).build();
    var set = new JWTClaimsSet.Builder().claim("tid", "acme").claim("sid", "s9").claim("gen", 2)
        .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(600))).jwtID("n0nce").build();
    var jwt = new EncryptedJWT(header, set);
    jwt.encrypt(new DirectEncrypter(TestKeys.subKey(SECRET, kid)));
    assertThat(codec.open(jwt.serialize(), NOW))
        .isEqualTo(new TokenClaims("acme", "s9", 2, NOW, NOW.plusSeconds(600), "n0nce"));
  }

  @Test
  void jose4jDecryptsAHandoffToken() throws Exception {
    var claims = claims("acme", "csn_2", 1);
    var jwe = new JsonWebEncryption();
    jwe.setCompactSerialization(codec.mint(claims));
    jwe.setKey(new AesKey(TestKeys.subKey(SECRET, jwe.getKeyIdHeaderValue())));
    var parsed = JwtClaims.parse(jwe.getPlaintextString());
    assertThat(parsed.getStringClaimValue("tid")).isEqualTo("acme");
    assertThat(parsed.getStringClaimValue("sid")).isEqualTo("csn_2");
    assertThat(parsed.getClaimValue("gen", Long.class)).isEqualTo(1L);
    assertThat(parsed.getIssuedAt().getValue()).isEqualTo(NOW.getEpochSecond());
    assertThat(parsed.getExpirationTime().getValue()).isEqualTo(claims.expiresAt().getEpochSecond());
    assertThat(parsed.getJwtId()).isEqualTo(claims.nonce());
  }

  @Test
  void acceptsATokenBuiltByJose4j() throws Exception {
    String kid = "k1.0123456789abcdef";
    var claims = new JwtClaims();
    claims.setClaim("tid", "acme");
    claims.setClaim("sid", "s10");
    claims.setClaim("gen", 4);
    claims.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(NOW.getEpochSecond()));
    claims.setExpirationTime(org.jose4j.jwt.NumericDate.fromSeconds(NOW.getEpochSecond() + 60));
    claims.setJwtId("j4");
    var jwe = new JsonWebEncryption();
    jwe.setAlgorithmHeaderValue(KeyManagementAlgorithmIdentifiers.DIRECT);
    jwe.setEncryptionMethodHeaderParameter(ContentEncryptionAlgorithmIdentifiers.AES_256_GCM);
    jwe.setKeyIdHeaderValue(kid);
    jwe.setKey(new AesKey(TestKeys.subKey(SECRET, kid)));
    jwe.setPayload(claims.toJson());
    assertThat(codec.open(jwe.getCompactSerialization(), NOW))
        .isEqualTo(new TokenClaims("acme", "s10", 4, NOW, NOW.plusSeconds(60), "j4"));
  }

  @Test
  void storedDigestIsTheDocumentedHmacOfTheNonce() throws Exception {
    var key = KeyRing.fromMasterSecret("k1", SECRET).secret("k1").tokenDigestKey();
    var mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(key);
    String expected = "k1." + java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal("nonce-1".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(codec.digest("nonce-1")).isEqualTo(expected);
    assertThat(codec.matches("nonce-1", expected)).isTrue();
    assertThat(codec.matches("nonce-2", expected)).isFalse();
  }

  @Test
  void rotationKeepsOldKidsUntilRetired() {
    var claims = claims("acme", "s1", 1);
    String old = codec.mint(claims);
    String digest = codec.digest("n");
    codec.rotate(KeyRing.builder().masterSecret("k2", secret(2)).masterSecret("k1", SECRET).build());
    String fresh = codec.mint(claims);
    assertThat(header(fresh)).contains("\"kid\":\"k2.");
    assertThat(codec.open(old, NOW)).isEqualTo(claims);
    assertThat(codec.open(fresh, NOW)).isEqualTo(claims);
    assertThat(codec.matches("n", digest)).isTrue();
    assertThat(codec.digest("n")).startsWith("k2.");

    codec.rotate(KeyRing.fromMasterSecret("k2", secret(2)));
    assertInvalid(old);
    assertThat(codec.matches("n", digest)).isFalse();
    assertThat(codec.open(fresh, NOW)).isEqualTo(claims);
  }

  @Test
  void unknownKidAndOtherSecretAreInvalid() {
    String foreign = codec(KeyRing.fromMasterSecret("k9", secret(9))).mint(claims("acme", "s1", 1));
    assertInvalid(foreign);
    // The same kid over a different secret: the tag does not verify.
    String impostor = codec(KeyRing.fromMasterSecret("k1", secret(9))).mint(claims("acme", "s1", 1));
    assertInvalid(impostor);
  }

  @Test
  void digestsMatchOnlyTheirNonce() {
    String digest = codec.digest("abc");
    assertThat(digest).matches("k1\\.[A-Za-z0-9_-]{43}");
    assertThat(codec.matches("abc", digest)).isTrue();
    assertThat(codec.matches("abd", digest)).isFalse();
    assertThat(codec.matches("abc", "nope")).isFalse();
    assertThat(codec.matches("abc", "k9" + digest.substring(2))).isFalse();
    assertThat(codec.newNonce()).matches("[A-Za-z0-9_-]{22}").isNotEqualTo(codec.newNonce());
  }

  @Test
  void threadsMintUnderTheirOwnSubKeys() throws Exception {
    var claims = claims("acme", "s1", 1);
    String a = header(codec.mint(claims));
    String[] b = new String[1];
    var t = new Thread(() -> b[0] = header(codec.mint(claims)));
    t.start();
    t.join();
    assertThat(a).isNotEqualTo(b[0]);
    assertThat(header(codec.mint(claims))).isEqualTo(a);
  }

  @Test
  void aSubKeyIsReplacedAfterItsQuotaOfTokens() {
    var small = new TokenCodec(KeyRing.fromMasterSecret("k1", SECRET), java.time.Duration.ofSeconds(30), 4096, 3);
    var claims = claims("acme", "s1", 1);
    Set<String> kids = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      String token = small.mint(claims);
      kids.add(header(token));
      assertThat(codec.open(token, NOW)).isEqualTo(claims);
    }
    assertThat(kids).hasSize(3);
  }

  static String header(String token) {
    return new String(java.util.Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  private void assertInvalid(String token) {
    assertThatThrownBy(() -> codec.open(token, NOW))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
  }
}
