package dev.handoff;

import static dev.handoff.TestKeys.NOW;
import static dev.handoff.TestKeys.claims;
import static dev.handoff.TestKeys.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every rule of redemption, each with a token that breaks only that rule. */
class TokenHardeningTest {
  private static final byte[] SECRET = secret(1);
  private static final String KID = "k1.AAAAAAAAAAAAAAAA";
  private static final long IAT = NOW.getEpochSecond();
  private final TokenCodec codec = TestKeys.codec(KeyRing.fromMasterSecret("k1", SECRET));

  @Test
  void theControlTokenIsAccepted() {
    assertThat(codec.open(CraftedTokens.dir(SECRET, KID, CraftedTokens.header(KID), CraftedTokens.claims(IAT)),
        NOW).sessionId()).isEqualTo("s1");
    // typ may be left out, members may come in any order and with white space.
    String header = " { \"kid\" : \"" + KID + "\" ,\n\"enc\":\"A256GCM\", \"alg\":\"dir\" } ";
    assertThat(codec.open(CraftedTokens.dir(SECRET, KID, header, CraftedTokens.claims(IAT)), NOW).tenant())
        .isEqualTo("acme");
  }

  @Test
  void tooLongIsRefusedBeforeParsing() {
    String token = codec.mint(claims("acme", "s1", 1));
    var strict = new TokenCodec(KeyRing.fromMasterSecret("k1", SECRET), Duration.ofSeconds(30), token.length() - 1);
    assertInvalid(strict, token);
    assertInvalid(codec, token + "A".repeat(4096));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "a.b", "a.b.c.d", "a.b.c.d.e.f", "....", ".....", "a.b.c.d.e=", "a.b.c.d.e+",
      "a.b.c.d.é", "eyJ.b.c.d.e", "a b.c.d.e.f"})
  void malformedShapesAreInvalid(String token) {
    assertInvalid(codec, token);
  }

  @Test
  void nullIsInvalid() {
    assertInvalid(codec, null);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"alg\":\"none\",\"enc\":\"A256GCM\",\"kid\":\"K\"}",
      "{\"alg\":\"PBES2-HS256+A128KW\",\"enc\":\"A256GCM\",\"kid\":\"K\",\"p2c\":2000000000,\"p2s\":\"AAAAAAAAAAA\"}",
      "{\"alg\":\"A256KW\",\"enc\":\"A256GCM\",\"kid\":\"K\"}",
      "{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\",\"kid\":\"K\"}",
      "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"kid\":\"K\"}",
      "{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"kid\":\"K\"}",
      "{\"alg\":\"dir\",\"enc\":\"A256CBC-HS512\",\"kid\":\"K\"}",
      "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"K\",\"zip\":\"DEF\"}",
      "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"K\",\"crit\":[\"exp\"],\"exp\":1}",
      "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"K\",\"cty\":\"JWT\"}",
      "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"K\",\"typ\":\"JWT\"}",
      "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"K\",\"jku\":\"https://evil.example/jwks\"}",
      "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"K\",\"epk\":{\"kty\":\"EC\"}}",
      "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"K\",\"kid\":\"K\"}",
      "{\"alg\":\"dir\",\"enc\":\"A256GCM\"}",
      "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"K\"} x",
      "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"K\",}",
      "[\"alg\",\"dir\"]",
      "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":7}",
  })
  void headersOutsideTheAllowListAreInvalidEvenWhenCorrectlyEncrypted(String header) {
    assertInvalid(codec, CraftedTokens.dir(SECRET, KID, header.replace("\"K\"", "\"" + KID + "\""),
        CraftedTokens.claims(IAT)));
  }

  @Test
  void nestedJwtPayloadIsInvalid() {
    String inner = codec.mint(claims("acme", "s1", 1));
    assertInvalid(codec, CraftedTokens.dir(SECRET, KID, CraftedTokens.header(KID), "\"" + inner + "\""));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"tid\":\"acme\",\"sid\":\"s1\",\"gen\":1,\"iat\":IAT,\"exp\":EXP,\"jti\":\"n1\",\"admin\":true}",
      "{\"tid\":\"acme\",\"sid\":\"s1\",\"gen\":1,\"iat\":IAT,\"exp\":EXP}",
      "{\"tid\":\"acme\",\"sid\":\"s1\",\"gen\":0,\"iat\":IAT,\"exp\":EXP,\"jti\":\"n1\"}",
      "{\"tid\":\"acme\",\"sid\":\"s1\",\"gen\":\"1\",\"iat\":IAT,\"exp\":EXP,\"jti\":\"n1\"}",
      "{\"tid\":\"acme\",\"sid\":\"s1\",\"gen\":1.5,\"iat\":IAT,\"exp\":EXP,\"jti\":\"n1\"}",
      "{\"tid\":\"acme\",\"sid\":\"s1\",\"gen\":1,\"iat\":IAT,\"exp\":IAT,\"jti\":\"n1\"}",
      "{\"tid\":\"\",\"sid\":\"s1\",\"gen\":1,\"iat\":IAT,\"exp\":EXP,\"jti\":\"n1\"}",
      "{\"tid\":\"acme\",\"tid\":\"evil\",\"sid\":\"s1\",\"gen\":1,\"iat\":IAT,\"exp\":EXP,\"jti\":\"n1\"}",
      "{\"tid\":\"acme\",\"sid\":\"s1\",\"gen\":1,\"iat\":-1,\"exp\":EXP,\"jti\":\"n1\"}",
      "{\"tid\":\"acme\",\"sid\":\"s1\",\"gen\":1,\"iat\":IAT,\"exp\":EXP,\"jti\":\"n1\"}garbage",
      "{\"tid\":\"acme\",\"sid\":\"s1\",\"gen\":1,\"iat\":IAT,\"exp\":EXP,\"jti\":null}",
      "{\"tid\":\"a\u0001\",\"sid\":\"s1\",\"gen\":1,\"iat\":IAT,\"exp\":EXP,\"jti\":\"n1\"}",
  })
  void claimsOutsideTheFormatAreInvalid(String claims) {
    String json = claims.replace("IAT", Long.toString(IAT)).replace("EXP", Long.toString(IAT + 600));
    assertInvalid(codec, CraftedTokens.dir(SECRET, KID, CraftedTokens.header(KID), json));
  }

  @Test
  void issuedInTheFutureBeyondTheSkewIsInvalid() {
    assertInvalid(codec, CraftedTokens.dir(SECRET, KID, CraftedTokens.header(KID), CraftedTokens.claims(IAT + 31)));
    assertThat(codec.open(CraftedTokens.dir(SECRET, KID, CraftedTokens.header(KID), CraftedTokens.claims(IAT + 30)),
        NOW)).isNotNull();
  }

  @Test
  void expiryIsLeftToTheEngineWhichAnswersExpired() {
    // The codec returns exp; Handoff.redeem compares it with the clock and the same skew and answers EXPIRED.
    var old = codec.open(CraftedTokens.dir(SECRET, KID, CraftedTokens.header(KID), CraftedTokens.claims(IAT - 7200)),
        NOW);
    assertThat(old.expiresAt()).isBefore(NOW);
  }

  @Test
  void aSubKeyKidOfAnotherShapeIsInvalid() {
    for (String kid : new String[] {"k1", "k1.", "k1.AAAA", "k1.AAAAAAAAAAAAAAAAA", "k2.AAAAAAAAAAAAAAAA",
        "k1.AAAAAAAAAAAAAAA.", ".AAAAAAAAAAAAAAAA"}) {
      assertInvalid(codec, CraftedTokens.dir(SECRET, kid, CraftedTokens.header(kid), CraftedTokens.claims(IAT)));
    }
  }

  @Test
  void everyFailureLooksTheSame() {
    var a = catchInvalid(codec, "x");
    var b = catchInvalid(codec, CraftedTokens.dir(SECRET, KID, CraftedTokens.header(KID).replace("dir", "none"),
        CraftedTokens.claims(IAT)));
    var c = catchInvalid(codec, CraftedTokens.dir(secret(2), KID, CraftedTokens.header(KID),
        CraftedTokens.claims(IAT)));
    assertThat(a.getMessage()).isEqualTo(b.getMessage()).isEqualTo(c.getMessage());
    assertThat(a.getCause()).isNull();
    assertThat(b.getCause()).isNull();
    assertThat(c.getCause()).isNull();
  }

  static void assertInvalid(TokenCodec codec, String token) {
    catchInvalid(codec, token);
  }

  static HandoffException catchInvalid(TokenCodec codec, String token) {
    HandoffException[] caught = new HandoffException[1];
    assertThatThrownBy(() -> codec.open(token, NOW))
        .isInstanceOfSatisfying(HandoffException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN);
          caught[0] = e;
        });
    return caught[0];
  }
}
