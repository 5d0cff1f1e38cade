package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 10 finding #7: sign-in codes are limited per email address and per tenant, not only per session, so that
 * many links cannot flood one inbox; the counters live in the store and every node sharing it counts together.
 */
class SignInRateLimitTest {
  private static final LoginPolicy POLICY = LoginPolicy.defaults()
      .withEmailLimit(RateLimit.of(3, Duration.ofHours(1)))
      .withTenantLimit(RateLimit.of(5, Duration.ofHours(1)));

  private final TestEngines t = new TestEngines();
  private final RecordingOtpSender sender = new RecordingOtpSender();
  private List<String> counterKeys;
  @TempDir
  Path tempDir;
  private StoreKind.Database database;

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  private Handoff engine(SessionStore store) {
    return engine(store, POLICY);
  }

  private Handoff engine(SessionStore store, LoginPolicy policy) {
    var recording = new InterceptedStore(store);
    counterKeys = recording.counterKeys;
    return Handoff.builder().store(recording).userDirectory(t.users).keys(t.keys).clock(t.clock)
        .hostedPageUrl(TestEngines.BASE_URL).intents(TestEngines.INTENTS).otpSender(sender)
        .otpExecutor(Runnable::run).loginPolicy(policy).build();
  }

  /** A fresh link's browser session, waiting for a sign-in: each has its own per-session allowance. */
  private static String newLink(Handoff engine, String tenant) {
    return engine.redeem(engine.create(checkout(tenant).build()).token().orElseThrow()).browserSecret();
  }

  private static void assertTooMany(Runnable action) {
    assertThatThrownBy(action::run).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS));
  }

  @Test
  void manyLinksCannotSendMoreCodesToOneAddressKnownOrNot() {
    t.users.add("p1", "usr_1", "ann@example.com");
    var engine = engine(t.store, POLICY.withTenantLimit(RateLimit.of(100, Duration.ofHours(1))));
    for (String email : List.of("ann@example.com", "nobody@example.com")) {
      for (int i = 0; i < 3; i++) {
        engine.startLogin(newLink(engine, "p1"), i == 1 ? email.toUpperCase() : email);
      }
      assertTooMany(() -> engine.startLogin(newLink(engine, "p1"), email));
    }
    assertThat(sender.sent).hasSize(3);

    t.clock.advance(Duration.ofHours(1));
    engine.startLogin(newLink(engine, "p1"), "ann@example.com");
    assertThat(sender.sent).hasSize(4);
  }

  @Test
  void aTenantHasACeilingAndOtherTenantsAreNotAffected() {
    var engine = engine(t.store);
    for (int i = 0; i < 5; i++) {
      engine.startLogin(newLink(engine, "p1"), "user" + i + "@example.com");
    }
    assertTooMany(() -> engine.startLogin(newLink(engine, "p1"), "user9@example.com"));
    engine.startLogin(newLink(engine, "p2"), "user9@example.com");
  }

  @Test
  void countersNeverHoldARawEmail() {
    var engine = engine(t.store);
    engine.startLogin(newLink(engine, "p1"), "secret.person@example.com");
    assertThat(counterKeys).hasSize(2).noneMatch(k -> k.toLowerCase().contains("secret")
        || k.toLowerCase().contains("example"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void twoEnginesOnOneStoreShareTheLimits(StoreKind kind) {
    database = kind.open(t, tempDir);
    var first = engine(database.node());
    var second = engine(database.node());
    t.users.add("p1", "usr_1", "ann@example.com");

    first.startLogin(newLink(first, "p1"), "ann@example.com");
    second.startLogin(newLink(second, "p1"), "ann@example.com");
    first.startLogin(newLink(second, "p1"), "ann@example.com");
    assertTooMany(() -> second.startLogin(newLink(first, "p1"), "ann@example.com"));
    assertTooMany(() -> first.startLogin(newLink(first, "p1"), "ann@example.com"));
    // Refusals by address did not count for the tenant: 3 of its 5 are used, by either engine.
    second.startLogin(newLink(second, "p1"), "bob@example.com");
    first.startLogin(newLink(first, "p1"), "carol@example.com");
    assertTooMany(() -> second.startLogin(newLink(second, "p1"), "dave@example.com"));
    assertTooMany(() -> first.startLogin(newLink(first, "p1"), "erin@example.com"));
    assertThat(sender.sent).hasSize(3);
  }
}
