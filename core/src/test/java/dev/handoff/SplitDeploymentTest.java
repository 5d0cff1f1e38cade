package dev.handoff;

import static dev.handoff.TestKeys.NOW;
import static dev.handoff.TestKeys.claims;
import static dev.handoff.TestKeys.codec;
import static dev.handoff.TestKeys.secret;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API tier mints with the public key only; the hosted-page tier redeems with the private key. */
class SplitDeploymentTest {
  private KeyPair pair;
  private TokenCodec api;
  private TokenCodec page;

  @BeforeEach
  void setUp() throws Exception {
    pair = KeyRingTest.p256();
    api = codec(KeyRing.builder().digestSecret("d1", secret(7))
        .pem("ec1", KeyRingTest.pem("PUBLIC KEY", pair.getPublic().getEncoded())).build());
    page = codec(KeyRing.builder().digestSecret("d1", secret(7))
        .pem("ec1", KeyRingTest.pem("PRIVATE KEY", pair.getPrivate().getEncoded())).build());
  }

  @Test
  void apiMintsAndPageRedeemsWithTheSameRules() throws Exception {
    var c = claims("acme", "s1", 2);
    String token = api.mint(c);
    var header = JWEObject.parse(token).getHeader();
    assertThat(header.getAlgorithm()).isEqualTo(JWEAlgorithm.ECDH_ES_A256KW);
    assertThat(header.getKeyID()).isEqualTo("ec1");
    assertThat(page.open(token, NOW)).isEqualTo(c);
    // Characters outside base64url are refused before nimbus reads the token.
    TokenHardeningTest.assertInvalid(page, token.substring(0, token.length() - 1) + "+");
    TokenHardeningTest.assertInvalid(page, token.replaceFirst("\\.", ".="));
    // The API tier cannot read what it minted.
    TokenHardeningTest.assertInvalid(api, token);
    // Digests made on the API tier match on the page tier.
    assertThat(page.matches("nonce", api.digest("nonce"))).isTrue();
    // The same claim rules: issued in the future is refused.
    var future = new TokenClaims("acme", "s1", 1, NOW.plusSeconds(600), NOW.plusSeconds(900), "n");
    TokenHardeningTest.assertInvalid(page, api.mint(future));
  }

  @Test
  void refusesANonCanonicalSpellingOfEveryPart() throws Exception {
    String token = api.mint(claims("acme", "s5", 1));
    String[] parts = token.split("\\.", -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int altered = 0;
    for (int part = 1; part < 5; part++) {
      int rest = parts[part].length() % 4;
      if (rest == 0) {
        continue;
      }
      // The same bytes with a non-zero unused bit in the last character: a second spelling of this token.
      char last = parts[part].charAt(parts[part].length() - 1);
      char sibling = alphabet.charAt(alphabet.indexOf(last) | 1);
      var copy = parts.clone();
      copy[part] = parts[part].substring(0, parts[part].length() - 1) + sibling;
      TokenHardeningTest.assertInvalid(page, String.join(".", copy));
      altered++;
    }
    assertThat(altered).as("the wrapped key and the tag have unused bits").isGreaterThanOrEqualTo(2);
    assertThat(page.open(token, NOW).sessionId()).isEqualTo("s5");
  }

  @Test
  void nimbusAndJose4jDecryptIt() throws Exception {
    var c = claims("acme", "s3", 1);
    var jwe = JWEObject.parse(api.mint(c));
    jwe.decrypt(new ECDHDecrypter((ECPrivateKey) pair.getPrivate()));
    assertThat(jwe.getPayload().toJSONObject()).containsEntry("sid", "s3").containsEntry("tid", "acme");

    var j4 = new JsonWebEncryption();
    j4.setCompactSerialization(api.mint(c));
    j4.setKey(pair.getPrivate());
    assertThat(JwtClaims.parse(j4.getPlaintextString()).getJwtId()).isEqualTo(c.nonce());
  }

  @Test
  void acceptsATokenBuiltByJose4j() throws Exception {
    assertThat(page.open(TestKeys.jose4jAgreementToken("ec1", pair.getPublic()), NOW))
        .isEqualTo(new TokenClaims("acme", "s4", 1, NOW, NOW.plusSeconds(60), "j4"));
  }

  @Test
  void keysDoNotCross() throws Exception {
    var other = KeyRingTest.p256();
    var stranger = codec(KeyRing.builder().digestSecret("d1", secret(7))
        .pem("ec1", KeyRingTest.pem("PUBLIC KEY", other.getPublic().getEncoded())).build());
    TokenHardeningTest.assertInvalid(page, stranger.mint(claims("acme", "s1", 1)));
    var dirOnly = codec(KeyRing.fromMasterSecret("k1", secret(1)));
    TokenHardeningTest.assertInvalid(dirOnly, api.mint(claims("acme", "s1", 1)));
    TokenHardeningTest.assertInvalid(page, dirOnly.mint(claims("acme", "s1", 1)));
  }
}
