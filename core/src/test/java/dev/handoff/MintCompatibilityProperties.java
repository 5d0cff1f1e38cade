package dev.handoff;

import static dev.handoff.TestKeys.secret;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jwt.EncryptedJWT;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The hand-written mint path is byte-compatible with what nimbus decrypts, on any claims. */
class MintCompatibilityProperties {
  private static final byte[] SECRET = secret(3);
  private final TokenCodec codec = TestKeys.codec(KeyRing.fromMasterSecret("k3", SECRET));

  @Property(tries = 300)
  void nimbusReadsExactlyTheClaimsMinted(@ForAll("claims") TokenClaims claims) throws Exception {
    String token = codec.mint(claims);
    var jwt = EncryptedJWT.parse(token);
    jwt.decrypt(new DirectDecrypter(TestKeys.subKey(SECRET, jwt.getHeader().getKeyID())));
    var set = jwt.getJWTClaimsSet();
    assertThat(set.getStringClaim("tid")).isEqualTo(claims.tenant());
    assertThat(set.getStringClaim("sid")).isEqualTo(claims.sessionId());
    assertThat(set.getLongClaim("gen")).isEqualTo(claims.generation());
    assertThat(set.getIssueTime().toInstant()).isEqualTo(claims.issuedAt());
    assertThat(set.getExpirationTime().toInstant()).isEqualTo(claims.expiresAt());
    assertThat(set.getJWTID()).isEqualTo(claims.nonce());
    assertThat(codec.open(token, claims.issuedAt())).isEqualTo(claims);
  }

  @Provide
  Arbitrary<TokenClaims> claims() {
    var printable = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(128)
        .filter(s -> s.codePoints().noneMatch(Character::isISOControl) && !hasLoneSurrogate(s));
    var ids = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('_').ofMinLength(1)
        .ofMaxLength(40);
    var seconds = Arbitraries.longs().between(0, 32_503_680_000L);
    return Combinators.combine(printable, ids, Arbitraries.longs().between(1, Long.MAX_VALUE / 2), seconds,
        Arbitraries.longs().between(1, 10_000_000), ids)
        .as((tenant, sid, gen, iat, ttl, nonce) -> new TokenClaims(tenant, sid, gen, Instant.ofEpochSecond(iat),
            Instant.ofEpochSecond(iat + ttl), nonce));
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
