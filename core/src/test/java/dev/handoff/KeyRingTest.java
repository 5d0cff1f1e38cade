package dev.handoff;

import static dev.handoff.TestKeys.NOW;
import static dev.handoff.TestKeys.claims;
import static dev.handoff.TestKeys.codec;
import static dev.handoff.TestKeys.hex;
import static dev.handoff.TestKeys.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRingTest {
  private static final byte[] SECRET = secret(1);

  /** Test vectors: secret(1) = 0x01..0x20. They must never change, or configured keys would change meaning. */
  private static final String TOKEN_ROOT = "125be7b9ee2d16ed95c66a9a13cecc0aab731670113b9846ed9e811f6aad491e";
  private static final String TOKEN_DIGEST = "7246262e00b5facbbccf3eca5615198f9ccab200fead675dbe03b6dea92217fc";
  private static final String OTP_DIGEST = "38effc44f2bb3a4da905537b669495ff2c5988a9ae37f7d0d72d9b693eb2379c";
  private static final String SUB_KEY = "b9c26b6bd633fa43b22f38a5779ebc923afeb425828730348f39fc53fb767631";

  @Test
  void masterSecretDerivesOneStableKeyPerPurpose() {
    var key = KeyRing.fromMasterSecret("k1", SECRET).secret("k1");
    assertThat(hex(key.tokenEncryptionRoot().getEncoded())).isEqualTo(TOKEN_ROOT)
        .isEqualTo(hex(TestKeys.hkdf(SECRET, "handoff/v1 token-encryption")));
    assertThat(hex(key.tokenDigestKey().getEncoded())).isEqualTo(TOKEN_DIGEST)
        .isEqualTo(hex(TestKeys.hkdf(SECRET, "handoff/v1 token-digest")));
    assertThat(hex(key.otpDigestKey().getEncoded())).isEqualTo(OTP_DIGEST)
        .isEqualTo(hex(TestKeys.hkdf(SECRET, "handoff/v1 otp-digest")));
    assertThat(List.of(TOKEN_ROOT, TOKEN_DIGEST, OTP_DIGEST, hex(SECRET))).doesNotHaveDuplicates();
    assertThat(hex(SubKey.derive(key, "k1.AAAAAAAAAAAAAAAA").key().getEncoded())).isEqualTo(SUB_KEY)
        .isEqualTo(hex(TestKeys.subKey(SECRET, "k1.AAAAAAAAAAAAAAAA")));
    assertThat(KeyRing.fromMasterSecret("k1", SECRET).otpDigestKey().getEncoded())
        .isEqualTo(key.otpDigestKey().getEncoded());
  }

  @Test
  void toStringShowsKidsOnly() {
    var ring = KeyRing.builder().masterSecret("k2", secret(2)).masterSecret("k1", SECRET).build();
    assertThat(ring.toString()).isEqualTo("KeyRing[active=k2, kids=[k2, k1]]");
    assertThat(ring.kid()).isEqualTo("k2");
    assertThat(ring.secret("k1").toString()).isEqualTo("MasterKey[kid=k1]");
    assertThat(KeyRing.generate().isGenerated()).isTrue();
    assertThat(ring.isGenerated()).isFalse();
  }

  @Test
  void activeKidCanBeChosen() {
    var ring = KeyRing.builder().masterSecret("k1", SECRET).masterSecret("k2", secret(2)).activeKid("k2").build();
    assertThat(ring.kid()).isEqualTo("k2");
    assertThat(TokenCodecTest.header(codec(ring).mint(claims("a", "s", 1)))).contains("\"kid\":\"k2.");
  }

  @Test
  void invalidRingsAreRefusedWithoutShowingSecrets() {
    assertThatThrownBy(() -> KeyRing.fromMasterSecret("k1", new byte[16])).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> KeyRing.fromMasterSecret("bad kid", SECRET)).hasMessageContaining("kid");
    assertThatThrownBy(() -> KeyRing.fromMasterSecret("k".repeat(41), SECRET)).hasMessageContaining("kid");
    assertThatThrownBy(() -> KeyRing.fromMasterSecret("k.1", SECRET)).hasMessageContaining("kid");
    assertThatThrownBy(() -> KeyRing.builder().masterSecret("k1", SECRET).masterSecret("k1", secret(2)))
        .hasMessageContaining("already");
    assertThatThrownBy(() -> KeyRing.builder().masterSecret("k1", SECRET).activeKid("k9").build())
        .hasMessageContaining("k9");
    assertThatThrownBy(() -> KeyRing.builder().digestSecret("d1", SECRET).build())
        .hasMessageContaining("mint");
    assertThatThrownBy(() -> KeyRing.builder().digestSecret("d1", SECRET).masterSecret("k1", secret(2))
        .activeKid("d1").build()).hasMessageContaining("d1");
  }

  @Test
  void jwkSetOfEveryKind() throws Exception {
    var ec = new ECKeyGenerator(Curve.P_256).keyID("ec1").generate();
    var oct = new OctetSequenceKey.Builder(SECRET).keyID("k1").build();
    var digest = new OctetSequenceKey.Builder(secret(5)).keyID("d1")
        .algorithm(com.nimbusds.jose.JWSAlgorithm.HS256).build();
    String json = new JWKSet(List.of(oct, digest, ec)).toString(false);
    var ring = KeyRing.fromJwkSet(json);
    assertThat(ring.kids()).containsExactly("k1", "d1", "ec1");
    assertThat(ring.kid()).isEqualTo("k1");
    assertThat(ring.secret("d1").mintsTokens()).isFalse();
    assertThat(ring.agreementKey("ec1").opensTokens()).isTrue();
    // The oct key is a master secret: same derived keys as fromMasterSecret.
    assertThat(ring.secret("k1").tokenDigestKey().getEncoded())
        .isEqualTo(KeyRing.fromMasterSecret("k1", SECRET).secret("k1").tokenDigestKey().getEncoded());
    var codec = codec(ring);
    var c = claims("acme", "s1", 1);
    assertThat(codec.open(codec.mint(c), NOW)).isEqualTo(c);

    // Public EC key only, with the digest secret: mints ECDH-ES+A256KW.
    String apiJson = new JWKSet(List.of(digest, ec.toPublicJWK())).toString(false);
    var api = KeyRing.fromJwkSet(apiJson);
    assertThat(api.kid()).isEqualTo("ec1");
    assertThat(api.agreementKey("ec1").opensTokens()).isFalse();
  }

  @Test
  void jwkSetErrorsNameTheKeyButNeverTheSecret() throws Exception {
    assertThatThrownBy(() -> KeyRing.fromJwkSet("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0c2VjcmV0\"}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("c2VjcmV0");
    String shortKey = new JWKSet(new OctetSequenceKey.Builder(new byte[16]).keyID("s").build()).toString(false);
    assertThatThrownBy(() -> KeyRing.fromJwkSet(shortKey)).hasMessageContaining("32 bytes");
    String noKid = new JWKSet(new OctetSequenceKey.Builder(SECRET).build()).toString(false);
    assertThatThrownBy(() -> KeyRing.fromJwkSet(noKid)).hasMessageContaining("kid");
    String ed25519 = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"x\","
        + "\"x\":\"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo\"}]}";
    assertThatThrownBy(() -> KeyRing.fromJwkSet(ed25519)).hasMessageContaining("X25519");
    String p384 = new JWKSet(new ECKeyGenerator(Curve.P_384).keyID("p").generate()).toString(false);
    assertThatThrownBy(() -> KeyRing.fromJwkSet(p384)).hasMessageContaining("P-256");
    String wrongAlg = new JWKSet(new OctetSequenceKey.Builder(SECRET).keyID("k").algorithm(JWEAlgorithm.A256KW)
        .build()).toString(false);
    assertThatThrownBy(() -> KeyRing.fromJwkSet(wrongAlg)).hasMessageContaining("alg");
    assertThatThrownBy(() -> KeyRing.fromJwkSet("{\"keys\":[]}")).hasMessageContaining("no key");
  }

  @Test
  void pemPrivateAndPublicKeys() throws Exception {
    KeyPair pair = p256();
    String privatePem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    String publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
    var page = KeyRing.builder().digestSecret("d1", SECRET).pem("ec1", privatePem).build();
    var api = KeyRing.builder().digestSecret("d1", SECRET).pem("ec1", publicPem).build();
    assertThat(page.agreementKey("ec1").opensTokens()).isTrue();
    assertThat(api.agreementKey("ec1").opensTokens()).isFalse();
    // The public key comes out of the private key file, whether or not the file carries it.
    assertThat(((java.security.interfaces.ECPublicKey) page.agreementKey("ec1").publicKey()).getW())
        .isEqualTo(((java.security.interfaces.ECPublicKey) api.agreementKey("ec1").publicKey()).getW());
    // SEC 1 with the curve but without the optional public key: the public key is computed as d·G.
    byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
        ((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS(),
        org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1).getEncoded();
    var fromSec1 = KeyRing.builder().digestSecret("d1", SECRET).pem("ec1", pem("EC PRIVATE KEY", sec1)).build();
    assertThat(((java.security.interfaces.ECPublicKey) fromSec1.agreementKey("ec1").publicKey()).getW())
        .isEqualTo(((java.security.interfaces.ECPublicKey) pair.getPublic()).getW());
    var c = claims("acme", "s1", 1);
    assertThat(codec(page).open(codec(api).mint(c), NOW)).isEqualTo(c);
  }

  @Test
  void x25519FromPemAndJwk() throws Exception {
    var pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
    var page = KeyRing.builder().digestSecret("d1", SECRET).pem("x1", pem("PRIVATE KEY", pair.getPrivate()
        .getEncoded())).build();
    var api = KeyRing.builder().digestSecret("d1", SECRET).pem("x1", pem("PUBLIC KEY", pair.getPublic()
        .getEncoded())).build();
    // The public key computed from the private key (BouncyCastle) is the JDK's.
    assertThat(((java.security.interfaces.XECPublicKey) page.agreementKey("x1").publicKey()).getU())
        .isEqualTo(((java.security.interfaces.XECPublicKey) pair.getPublic()).getU());
    var c = claims("acme", "s1", 1);
    assertThat(codec(page).open(codec(api).mint(c), NOW)).isEqualTo(c);

    byte[] x = X25519Keys.raw((java.security.interfaces.XECPublicKey) pair.getPublic());
    byte[] d = ((java.security.interfaces.XECPrivateKey) pair.getPrivate()).getScalar().orElseThrow();
    var b64 = Base64.getUrlEncoder().withoutPadding();
    String jwks = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"d1\",\"alg\":\"HS256\",\"k\":\""
        + b64.encodeToString(SECRET) + "\"},{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":\"x1\",\"x\":\""
        + b64.encodeToString(x) + "\",\"d\":\"" + b64.encodeToString(d) + "\"}]}";
    var fromJwk = KeyRing.fromJwkSet(jwks);
    assertThat(fromJwk.kid()).isEqualTo("x1");
    assertThat(codec(fromJwk).open(codec(api).mint(c), NOW)).isEqualTo(c);
  }

  @Test
  void pemErrors() throws Exception {
    var ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    assertThatThrownBy(() -> KeyRing.builder().pem("x", pem("PRIVATE KEY", ed.getPrivate().getEncoded())))
        .hasMessageContaining("X25519");
    var rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    assertThatThrownBy(() -> KeyRing.builder().pem("r", pem("PUBLIC KEY", rsa.generateKeyPair().getPublic()
        .getEncoded()))).hasMessageContaining("P-256");
    assertThatThrownBy(() -> KeyRing.builder().pem("e", "no pem here")).hasMessageContaining("no key");
    assertThatThrownBy(() -> KeyRing.builder().pem("e", pem("PRIVATE KEY", new byte[] {1, 2, 3})))
        .hasMessageContaining("not a readable");
    assertThatThrownBy(() -> KeyRing.builder().pem("e", pem("CERTIFICATE", new byte[] {1})))
        .hasMessageContaining("CERTIFICATE");
  }

  static KeyPair p256() throws Exception {
    var generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

}
