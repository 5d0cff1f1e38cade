package dev.handoff;

import static dev.handoff.TestKeys.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import dev.handoff.spi.UserDirectory;
import dev.handoff.storage.memory.CaffeineSessionStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Key rotation through the engine's public API: no restart, old kids redeem until retired. */
class KeyRotationTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  /** Follows {@link #clock}, which tests move; the store reads the same clock, as the engine does. */
  private final Clock movingClock = new Clock() {
    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return clock.instant();
    }
  };

  private Handoff engine(KeyRing keys) {
    var builder = Handoff.builder()
        .store(CaffeineSessionStore.builder().clock(movingClock).build())
        .userDirectory(new Users())
        .hostedPageUrl("https://connect.example.com/entry")
        .intents(IntentRegistry.of(IntentType.builder("checkout").allowUnknownFields().build()))
        .clock(movingClock);
    return keys == null ? builder.build() : builder.keys(keys).build();
  }

  private static CreateSessionRequest request() {
    return CreateSessionRequest.builder("acme").intent("checkout", Map.of()).user("u1").singleUse(false).build();
  }

  private static String token(IssuedSession issued) {
    String query = URI.create(issued.url().orElseThrow()).getRawQuery();
    return query.substring(query.indexOf("token=") + 6);
  }

  @Test
  void rotationNeedsNoRestartAndRetiresOldKids() {
    var handoff = engine(KeyRing.fromMasterSecret("k1", secret(1)));
    String old = token(handoff.create(request()));
    assertThat(handoff.redeem(old).session()).isNotNull();

    handoff.rotateKeys(KeyRing.builder().masterSecret("k2", secret(2)).masterSecret("k1", secret(1)).build());
    String fresh = token(handoff.create(request()));
    assertThat(TokenCodecTest.header(fresh)).contains("\"kid\":\"k2.");
    assertThat(handoff.redeem(old).session()).isNotNull();
    assertThat(handoff.redeem(fresh).session()).isNotNull();

    handoff.rotateKeys(KeyRing.fromMasterSecret("k2", secret(2)));
    assertThatThrownBy(() -> handoff.redeem(old)).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
    assertThat(handoff.redeem(fresh).session()).isNotNull();
  }

  @Test
  void expiryUsesTheClockSkewAndAnswersExpired() {
    var handoff = engine(KeyRing.fromMasterSecret("k1", secret(1)));
    String token = token(handoff.create(CreateSessionRequest.builder("acme").intent("checkout", Map.of())
        .user("u1").ttl(Duration.ofMinutes(5)).singleUse(false).build()));
    // Just before exp the link works (the session is reusable here) ...
    clock = Clock.fixed(NOW.plus(Duration.ofMinutes(5)).minusSeconds(1), ZoneOffset.UTC);
    assertThat(handoff.redeem(token).session()).isNotNull();
    // ... and past exp plus the skew the engine answers EXPIRED, not INVALID_TOKEN.
    clock = Clock.fixed(NOW.plus(Duration.ofMinutes(5)).plusSeconds(31), ZoneOffset.UTC);
    assertThatThrownBy(() -> handoff.redeem(token)).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPIRED));
  }

  @Test
  void withoutKeysTheEngineGeneratesARingAndWarns() throws Exception {
    int before = CapturedLogs.lines().size();
    var handoff = engine(null);
    var lines = CapturedLogs.lines();
    assertThat(lines.subList(before, lines.size()))
        .anySatisfy(line -> assertThat(line).startsWith("WARN").contains("cannot be redeemed after a restart"));
    String token = token(handoff.create(request()));
    assertThat(handoff.redeem(token).session()).isNotNull();
    assertThat(TokenCodecTest.header(token)).contains("\"kid\":\"gen-");
  }

  private static final class Users implements UserDirectory {
    @Override
    public Optional<User> findById(String tenant, String userId) {
      return Optional.of(new User(userId, userId + "@example.com", "User"));
    }

    @Override
    public Optional<User> findByEmail(String tenant, String email) {
      return Optional.empty();
    }

    @Override
    public User create(String tenant, UserDetails details) {
      throw new UnsupportedOperationException();
    }
  }
}
