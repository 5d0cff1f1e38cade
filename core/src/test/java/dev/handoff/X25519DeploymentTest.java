package dev.handoff;

import static dev.handoff.TestKeys.NOW;
import static dev.handoff.TestKeys.claims;
import static dev.handoff.TestKeys.codec;
import static dev.handoff.TestKeys.secret;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Split deployment with X25519 (the JDK's XDH, as nimbus would need Tink): same rules, jose4j both ways. */
class X25519DeploymentTest {
  private KeyPair pair;
  private TokenCodec api;
  private TokenCodec page;

  @BeforeEach
  void setUp() throws Exception {
    pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
    api = codec(KeyRing.builder().digestSecret("d1", secret(7))
        .pem("x1", KeyRingTest.pem("PUBLIC KEY", pair.getPublic().getEncoded())).build());
    page = codec(KeyRing.builder().digestSecret("d1", secret(7))
        .pem("x1", KeyRingTest.pem("PRIVATE KEY", pair.getPrivate().getEncoded())).build());
  }

  @Test
  void apiMintsAndPageRedeems() throws Exception {
    var c = claims("acme", "s1", 2);
    String token = api.mint(c);
    var header = JWEObject.parse(token).getHeader();
    assertThat(header.getEphemeralPublicKey()).isInstanceOfSatisfying(OctetKeyPair.class,
        epk -> assertThat(epk.getCurve()).isEqualTo(Curve.X25519));
    assertThat(page.open(token, NOW)).isEqualTo(c);
    TokenHardeningTest.assertInvalid(api, token);
    var stranger = codec(KeyRing.builder().digestSecret("d1", secret(7)).pem("x1", KeyRingTest.pem("PUBLIC KEY",
        KeyPairGenerator.getInstance("X25519").generateKeyPair().getPublic().getEncoded())).build());
    TokenHardeningTest.assertInvalid(page, stranger.mint(c));
  }

  @Test
  void jose4jDecryptsIt() throws Exception {
    var c = claims("acme", "s3", 1);
    var jwe = new JsonWebEncryption();
    jwe.setCompactSerialization(api.mint(c));
    jwe.setKey(pair.getPrivate());
    assertThat(JwtClaims.parse(jwe.getPlaintextString()).getJwtId()).isEqualTo(c.nonce());
  }

  @Test
  void acceptsATokenBuiltByJose4j() throws Exception {
    assertThat(page.open(TestKeys.jose4jAgreementToken("x1", pair.getPublic()), NOW))
        .isEqualTo(new TokenClaims("acme", "s4", 1, NOW, NOW.plusSeconds(60), "j4"));
  }

  @Test
  void smallOrderOrWrongCurveEphemeralKeysAreInvalid() throws Exception {
    String token = api.mint(claims("acme", "s1", 1));
    String[] parts = token.split("\\.", -1);
    String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
    String x = header.replaceAll(".*\"x\":\"([^\"]+)\".*", "$1");
    var b64 = Base64.getUrlEncoder().withoutPadding();
    for (String replacement : new String[] {b64.encodeToString(new byte[32]),
        b64.encodeToString(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0}), b64.encodeToString(new byte[31])}) {
      String forged = b64.encodeToString(header.replace(x, replacement).getBytes(StandardCharsets.UTF_8));
      TokenHardeningTest.assertInvalid(page, forged + token.substring(token.indexOf('.')));
    }
    // The agreement itself refuses a small-order point (all-zero shared secret), whoever checks first.
    var priv = (java.security.interfaces.XECPrivateKey) pair.getPrivate();
    for (byte[] point : new byte[][] {new byte[32], littleEndianOne()}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> X25519Keys.agree(priv, X25519Keys.publicKey(point)))
          .isInstanceOf(java.security.GeneralSecurityException.class);
    }
    String p256 = b64.encodeToString(header.replace("\"OKP\"", "\"EC\"").replace("\"X25519\"", "\"P-256\"")
        .getBytes(StandardCharsets.UTF_8));
    TokenHardeningTest.assertInvalid(page, p256 + token.substring(token.indexOf('.')));
  }

  private static byte[] littleEndianOne() {
    byte[] one = new byte[32];
    one[0] = 1;
    return one;
  }
}
