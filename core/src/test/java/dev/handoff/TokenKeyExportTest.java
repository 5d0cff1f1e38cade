package dev.handoff;

import static dev.handoff.TestKeys.NOW;
import static dev.handoff.TestKeys.claims;
import static dev.handoff.TestKeys.codec;
import static dev.handoff.TestKeys.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetSequenceJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/**
 * The exported JWK Set opens Handoff's {@code dir} tokens in jose4j, an independent JOSE implementation, with the
 * exported key alone: no HKDF re-implemented on the reading side (unlike {@code TokenCodecTest}, which derives).
 */
class TokenKeyExportTest {
  private final KeyRing ring = KeyRing.builder().masterSecret("k1", secret(1)).masterSecret("k2", secret(40)).build();
  private final TokenCodec codec = codec(ring);

  @Test
  void jose4jOpensATokenWithTheExportedKeyAlone() throws Exception {
    String token = codec.mint(claims("acme", "csn_7", 3));
    String kid = KeyRing.tokenKeyId(token);
    assertThat(kid).startsWith("k1.");

    var set = new JsonWebKeySet(ring.exportTokenKeys(List.of(kid)));
    var jwe = new JsonWebEncryption();
    jwe.setCompactSerialization(token);
    JsonWebKey key = set.findJsonWebKey(jwe.getKeyIdHeaderValue(), "oct", "enc", "dir");
    assertThat(key).isInstanceOf(OctetSequenceJsonWebKey.class);
    jwe.setKey(key.getKey());
    var parsed = JwtClaims.parse(jwe.getPlaintextString());
    assertThat(parsed.getStringClaimValue("tid")).isEqualTo("acme");
    assertThat(parsed.getStringClaimValue("sid")).isEqualTo("csn_7");
    assertThat(parsed.getClaimValue("gen", Long.class)).isEqualTo(3L);
  }

  @Test
  void exportsExactlyTheNamedKidsOnceEachInOrder() throws Exception {
    var kids = new ArrayList<String>();
    for (var other : List.of(codec, codec(KeyRing.builder().masterSecret("k2", secret(40)).build()))) {
      kids.add(KeyRing.tokenKeyId(other.mint(claims("acme", "s", 1))));
    }
    kids.add(kids.get(0));
    var set = new JsonWebKeySet(ring.exportTokenKeys(kids));
    assertThat(set.getJsonWebKeys()).extracting(JsonWebKey::getKeyId).containsExactly(kids.get(0), kids.get(1));
    assertThat(set.getJsonWebKeys()).allSatisfy(k -> {
      assertThat(k.getAlgorithm()).isEqualTo("dir");
      assertThat(k.getUse()).isEqualTo("enc");
      assertThat(k.getKey().getEncoded()).hasSize(32);
    });
    // The exported key is the documented derivation, not the master secret or its token root.
    assertThat(set.getJsonWebKeys().get(0).getKey().getEncoded()).isEqualTo(TestKeys.subKey(secret(1), kids.get(0)))
        .isNotEqualTo(secret(1));
  }

  @Test
  void refusesWhatIsNotATokenKidOfTheRingsMasterSecrets() throws Exception {
    String foreign = KeyRing.tokenKeyId(codec(KeyRing.fromMasterSecret("k9", secret(9))).mint(claims("a", "s", 1)));
    for (var kids : List.of(List.of("k1"), List.of(foreign), List.of("k1.short"), List.<String>of(),
        java.util.Arrays.asList((String) null))) {
      assertThatThrownBy(() -> ring.exportTokenKeys(kids)).isInstanceOf(HandoffException.class)
          .extracting(e -> ((HandoffException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }
    assertThatThrownBy(() -> ring.exportTokenKeys(null)).isInstanceOf(HandoffException.class);
    var digestOnly = KeyRing.builder().digestSecret("d1", secret(7)).masterSecret("k1", secret(1))
        .activeKid("k1").build();
    assertThatThrownBy(() -> digestOnly.exportTokenKeys(Set.of("d1.AAAAAAAAAAAAAAAA")))
        .isInstanceOf(HandoffException.class);
  }

  @Test
  void tokenKeyIdReadsTheHeaderOrRefusesAsAnInvalidToken() {
    for (String garbage : new String[] {null, "", ".", "!!!.a.b.c.d", "e30.a.b.c.d"}) {
      assertThatThrownBy(() -> KeyRing.tokenKeyId(garbage)).isInstanceOf(HandoffException.class)
          .extracting(e -> ((HandoffException) e).code()).isEqualTo(ErrorCode.INVALID_TOKEN);
    }
  }

  @Test
  void anExportIsLoggedWithTheKidsAndNeverTheKey() throws Exception {
    String kid = KeyRing.tokenKeyId(codec.mint(claims("acme", "s", 1)));
    int before = CapturedLogs.lines().size();
    String json = ring.exportTokenKeys(List.of(kid));
    String k = new JsonWebKeySet(json).getJsonWebKeys().get(0).toParams(JsonWebKey.OutputControlLevel.INCLUDE_SYMMETRIC)
        .get("k").toString();
    var lines = CapturedLogs.lines().subList(before, CapturedLogs.lines().size());
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("exported").contains(kid));
    assertThat(CapturedLogs.lines()).noneSatisfy(l -> assertThat(l).contains(k));
    assertThat(codec.open(codec.mint(claims("acme", "s", 1)), NOW).tenant()).isEqualTo("acme");
  }
}
