package dev.handoff.reliability;

import static dev.handoff.reliability.Engines.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.Handoff;
import dev.handoff.IssuedSession;
import dev.handoff.LoginPolicy;
import dev.handoff.RateLimit;
import dev.handoff.Redemption;
import dev.handoff.UpdateSessionRequest;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Races through the engine on every store: redeem, update against redeem, one-time-code attempt counting,
 * identical idempotent creates, and rate-limit counters. Rounds: {@link Races#rounds()}.
 */
class RaceTest {
  // Every round signs in to one address: lift the per-address send limit (10 per hour by default).
  private static final LoginPolicy POLICY = new LoginPolicy(6, "0123456789", Duration.ofMinutes(10), 3, 5,
      Duration.ZERO, false).withEmailLimit(RateLimit.of(1_000_000, Duration.ofHours(1)));

  private final Users users = new Users();
  private final RecordingSender sender = new RecordingSender();

  private Handoff engine(SessionStore store) {
    users.add("t1", "usr_1", "ann@example.com");
    return Engines.builder(store, users, sender).loginPolicy(POLICY).build();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void exactlyOneRedeemWinsEachRound(Backend backend) throws Exception {
    try (StoreFixture fixture = StoreFixture.open(backend); Races races = new Races()) {
      Handoff engine = engine(fixture.store());
      for (int round = 0; round < Races.rounds(backend); round++) {
        String token = engine.create(checkout("t1").user("usr_1").build()).token().orElseThrow();
        List<Outcome<Redemption>> outcomes = races.race(() -> Outcome.of(() -> engine.redeem(token)));
        assertThat(outcomes.stream().filter(Outcome::succeeded)).as("round %d on %s", round, backend).hasSize(1);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.error()).isNotEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
      }
    }
  }

  /** A re-mint (changing the user) races redeems of the old URL: at most one redeem, never a torn session. */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void updateAgainstRedeemLeavesOneConsistentWinner(Backend backend) throws Exception {
    try (StoreFixture fixture = StoreFixture.open(backend); Races races = new Races()) {
      Handoff engine = engine(fixture.store());
      users.add("t1", "usr_2", "bob@example.com");
      for (int round = 0; round < Races.rounds(backend); round++) {
        IssuedSession issued = engine.create(checkout("t1").user("usr_1").build());
        String token = issued.token().orElseThrow();
        String id = issued.session().id();
        var tasks = new ArrayList<Callable<Outcome<?>>>();
        tasks.add(() -> Outcome.of(() -> engine.update("t1", id, UpdateSessionRequest.builder().user("usr_2")
            .build())));
        for (int i = 1; i < Races.THREADS; i++) {
          tasks.add(() -> Outcome.of(() -> engine.redeem(token)));
        }
        List<Outcome<?>> outcomes = races.race(tasks);
        long redeemed = outcomes.subList(1, outcomes.size()).stream().filter(Outcome::succeeded).count();
        assertThat(redeemed).as("redeems in round %d on %s", round, backend).isLessThanOrEqualTo(1);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.error()).isNotEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
        StoredSession stored = fixture.store().find("t1", id).orElseThrow();
        assertThat(stored.browser() != null).as("bound to a browser iff a redeem won, round %d", round)
            .isEqualTo(redeemed == 1);
      }
    }
  }

  /** Wrong guesses race: exactly maxAttempts are counted, then the right code is refused too. */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void wrongCodesAreCountedExactly(Backend backend) throws Exception {
    try (StoreFixture fixture = StoreFixture.open(backend); Races races = new Races()) {
      Handoff engine = engine(fixture.store());
      int rounds = Math.max(1, Races.rounds(backend) / 4); // each round is a whole sign-in
      for (int round = 0; round < rounds; round++) {
        String secret = engine.redeem(engine.create(checkout("t1").build()).token().orElseThrow()).browserSecret();
        engine.startLogin(secret, "ann@example.com");
        String code = sender.awaitLastCode("t1", "ann@example.com");
        String wrong = code.equals("000000") ? "111111" : "000000";
        List<Outcome<Object>> outcomes = races.race(() -> Outcome.of(() -> engine.verifyLogin(secret, wrong)));
        assertThat(outcomes.stream().filter(o -> o.error() == ErrorCode.INVALID_TOKEN))
            .as("wrong codes counted in round %d on %s", round, backend).hasSize(POLICY.maxAttempts() - 1);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.error())
            .isIn(ErrorCode.INVALID_TOKEN, ErrorCode.TOO_MANY_ATTEMPTS));
        assertThat(Outcome.of(() -> engine.verifyLogin(secret, code)).error())
            .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
      }
    }
  }

  /** Issue 10 #9: identical idempotent creates all get the one session, never a spurious CONFLICT. */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void identicalIdempotentCreatesAllGetTheOneSession(Backend backend) throws Exception {
    try (StoreFixture fixture = StoreFixture.open(backend); Races races = new Races()) {
      Handoff engine = engine(fixture.store());
      int conflicts = 0;
      for (int round = 0; round < Races.rounds(backend); round++) {
        String key = "idem-" + round;
        List<Outcome<IssuedSession>> outcomes = races.race(() -> Outcome.of(() -> engine.create(
            checkout("t1").user("usr_1").idempotencyKey(key).build())));
        conflicts += (int) outcomes.stream().filter(o -> o.error() == ErrorCode.CONFLICT).count();
        assertThat(outcomes).as("round %d on %s", round, backend).allSatisfy(o -> assertThat(o.error()).isNull());
        assertThat(outcomes.stream().map(o -> o.value().session().id()).distinct()).hasSize(1);
      }
      assertThat(conflicts).isZero();
    }
  }

  /** Rate-limit counters under concurrent increments: every answer distinct, exactly 1 to threads × calls. */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void counterIncrementsAreExact(Backend backend) throws Exception {
    try (StoreFixture fixture = StoreFixture.open(backend); Races races = new Races()) {
      Instant now = Instant.now();
      int calls = 4;
      for (int round = 0; round < Math.max(1, Races.rounds(backend) / 4); round++) {
        String key = "k" + round;
        List<List<Long>> answers = races.race(() -> {
          var mine = new ArrayList<Long>();
          for (int i = 0; i < calls; i++) {
            mine.add(fixture.store().incrementCounter("t1", key, now.plusSeconds(600), now));
          }
          return mine;
        });
        var all = new HashSet<Long>();
        answers.forEach(all::addAll);
        assertThat(all).as("round %d on %s", round, backend).hasSize(Races.THREADS * calls)
            .allSatisfy(n -> assertThat(n).isBetween(1L, (long) Races.THREADS * calls));
      }
    }
  }
}
