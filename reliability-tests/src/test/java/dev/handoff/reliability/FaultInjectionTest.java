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
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Faults at random points of create, redeem, update, complete and sign-in, through the engine, each flow in its
 * own tenant: on PostgreSQL and MariaDB, connections refused, dropped after the statement was sent, lost after the
 * commit, and stalls; on Redis and Redis Cluster, the store's connections killed at random moments
 * ({@link RedisConnectionKiller}), commands in flight. Then: no session lost or half-written, none consumed twice,
 * none hidden from the sweep (every session not in a final status is listed once ended), every caller got a result
 * or STORAGE_UNAVAILABLE within the bound, and the same engine works again once the faults stop.
 *
 * <p>Reported, not asserted: links burnt by an unknown outcome, i.e. a redeem whose commit landed while its
 * caller got STORAGE_UNAVAILABLE and whose retry was refused. The engine re-reads after such a failure and
 * recognises its own write (issue 10 #2, proven deterministically for every operation and store by core's
 * {@code OutcomeUnknownRetryTest}); only a fault that also outlasts those re-reads leaves the outcome unknown, by
 * design, and random faults make that rare but possible. The count (0 in every run since the re-read landed, 4 to 6
 * per run before) goes to {@code target/reliability-report.txt} with the other figures.
 */
class FaultInjectionTest {
  private static final int THREADS = 4;
  /** Longest acceptable call: a few statements at the 1 s statement timeout, plus a pool wait, on a busy machine. */
  private static final Duration CALL_BOUND = Duration.ofSeconds(10);
  /** A client's pause before it retries, times the attempt: a Redis store reconnects in the meantime. */
  private static final Duration RETRY_PAUSE = Duration.ofMillis(50);

  private final Users users = new Users();
  private final RecordingSender sender = new RecordingSender();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> redeemsByToken = new ConcurrentHashMap<>();
  private final Map<String, String> sessionByKey = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final AtomicInteger burntLinks = new AtomicInteger();
  private final AtomicLong longestCallNanos = new AtomicLong();

  @ParameterizedTest
  @EnumSource(value = Backend.class, names = {"POSTGRESQL", "MARIADB", "REDIS", "REDIS_CLUSTER"})
  void faultsLoseNothingAndTheEngineRecovers(Backend backend) throws Exception {
    long seed = System.nanoTime();
    var jdbcFaults = new FaultyDataSource[1];
    try (StoreFixture fixture = StoreFixture.open(backend, ds -> jdbcFaults[0] = new FaultyDataSource(ds, backend,
        seed)); RedisConnectionKiller killer = backend.isRedis() ? new RedisConnectionKiller(fixture, seed) : null) {
      Faults faults = killer != null ? killer : jdbcFaults[0];
      users.add("t1", "usr_1", "ann@example.com");
      Handoff engine = Engines.builder(fixture.store(), users, sender)
          // Every flow signs in to one address: lift the per-address send limit (10 per hour by default).
          .loginPolicy(new LoginPolicy(6, "0123456789", Duration.ofMinutes(10), 5, 50, Duration.ZERO, false)
              .withEmailLimit(RateLimit.of(1_000_000, Duration.ofHours(1))))
          .build();
      int flows = Integer.getInteger("handoff.fault.flows", 30);
      if (jdbcFaults[0] != null) {
        jdbcFaults[0].probability(0.04);
      }
      faults.enabled(true);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        var futures = new ArrayList<Future<?>>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          futures.add(pool.submit(() -> {
            for (int f = 0; f < flows; f++) {
              flow(engine, key(thread, f), f % 2 == 0);
            }
            return null;
          }));
        }
        for (Future<?> future : futures) {
          future.get(10, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        faults.enabled(false);
      }

      // Recovery: the same engine, no restart, completes a whole flow again.
      long start = System.nanoTime();
      Duration recovery = null;
      while (recovery == null && System.nanoTime() - start < Duration.ofSeconds(30).toNanos()) {
        try {
          IssuedSession issued = engine.create(checkout("t1").user("usr_1").build());
          engine.redeem(issued.token().orElseThrow());
          engine.complete("t1", issued.session().id());
          recovery = Duration.ofNanos(System.nanoTime() - start);
        } catch (dev.handoff.spi.HandoffException e) {
          assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        }
      }
      assertThat(recovery).as("time to recover on %s", backend).isNotNull();

      // Nothing lost, nothing duplicated: every key a create answered still leads to that one session.
      for (var entry : sessionByKey.entrySet()) {
        String tenant = tenant(entry.getKey());
        assertThat(engine.get(tenant, entry.getValue()).id()).isEqualTo(entry.getValue());
        assertThat(fixture.store().findByIdempotencyKey(tenant, entry.getKey()).map(StoredSession::id))
            .as("the session of key %s", entry.getKey()).contains(entry.getValue());
      }
      // Nothing half-written: every row decodes and its parts agree with each other.
      var all = new ArrayList<>(fixture.store().list("t1", null, Integer.MAX_VALUE).sessions());
      for (int t = 0; t < THREADS; t++) {
        for (int f = 0; f < flows; f++) {
          all.addAll(fixture.store().list(tenant(key(t, f)), null, Integer.MAX_VALUE).sessions());
        }
      }
      for (StoredSession s : all) {
        if (s.status() == SessionStatus.OPEN) {
          assertThat(s.browser()).as("open session %s has no browser", s.id()).isNull();
        }
        if (s.status() == SessionStatus.LOGIN_REQUIRED || s.status() == SessionStatus.ACTIVE) {
          assertThat(s.browser()).as("redeemed session %s has its browser", s.id()).isNotNull();
        }
        if (s.challenge() != null) {
          assertThat(s.status()).isEqualTo(SessionStatus.LOGIN_REQUIRED);
        }
      }
      // None hidden from the sweep: a Redis write whose reply was lost must still register its tenant.
      assertThat(fixture.store().listEnded(Instant.now().plus(Duration.ofDays(1)), 100_000))
          .as("sessions listed once ended on %s", backend).extracting(FaultInjectionTest::name)
          .containsExactlyInAnyOrderElementsOf(all.stream().filter(s -> !s.status().isTerminal())
              .map(FaultInjectionTest::name).toList());
      // None consumed twice.
      redeemsByToken.forEach((token, n) -> assertThat(n.get()).as("redeems of one token").isLessThanOrEqualTo(1));
      assertThat(violations).as("calls that broke the contract on %s (seed %d)", backend, seed).isEmpty();
      Map<?, Integer> injected = faults.injected();
      int total = injected.values().stream().mapToInt(Integer::intValue).sum();
      assertThat(total).as("faults injected").isPositive();
      assertThat(Duration.ofNanos(longestCallNanos.get())).isLessThan(CALL_BOUND);
      report(backend + ": " + calls + " calls, " + all.size() + " sessions, faults injected " + injected
          + " (total " + total + "), STORAGE_UNAVAILABLE answers " + unavailable + ", longest call "
          + Duration.ofNanos(longestCallNanos.get()).toMillis() + " ms, recovered in " + recovery.toMillis()
          + " ms, links burnt by an unknown outcome " + burntLinks + ", seed " + seed);
    }
  }

  private static String key(int thread, int flow) {
    return "k-" + thread + "-" + flow;
  }

  /** The tenant of the flow of idempotency key {@code key}: each flow is its tenant's first and only one. */
  private static String tenant(String key) {
    return "t-" + key;
  }

  private static String name(StoredSession s) {
    return s.tenant() + "/" + s.id();
  }

  /** One end-to-end flow; creates and redeems are retried as a client would, later steps stop the flow. */
  private void flow(Handoff engine, String key, boolean signIn) throws Exception {
    String tenant = tenant(key);
    users.add(tenant, "usr_1", "ann@example.com");
    Outcome<IssuedSession> created = null;
    var request = signIn ? checkout(tenant).idempotencyKey(key).build()
        : checkout(tenant).user("usr_1").idempotencyKey(key).build();
    for (int attempt = 0; attempt < 3 && (created == null || !created.succeeded()); attempt++) {
      Thread.sleep(RETRY_PAUSE.toMillis() * attempt);
      created = call("create", true, () -> engine.create(request));
    }
    if (!created.succeeded()) {
      return;
    }
    IssuedSession issued = created.value();
    String previous = sessionByKey.putIfAbsent(key, issued.session().id());
    if (previous != null && !previous.equals(issued.session().id())) {
      violations.add("key " + key + " answered two sessions");
    }
    String token = issued.token().orElseThrow();
    Outcome<Redemption> redeemed = call("redeem", false, () -> engine.redeem(token));
    if (!redeemed.succeeded()) {
      Thread.sleep(RETRY_PAUSE.toMillis());
      Outcome<Redemption> retried = call("redeem retry", true, () -> engine.redeem(token));
      if (!retried.succeeded()) {
        if (retried.error() != ErrorCode.STORAGE_UNAVAILABLE) {
          burntLinks.incrementAndGet(); // see the class comment
        }
        return;
      }
      redeemed = retried;
    }
    redeemsByToken.computeIfAbsent(token, t -> new AtomicInteger()).incrementAndGet();
    String id = issued.session().id();
    String secret = redeemed.value().browserSecret();
    if (signIn) {
      // One address per flow: sign-in starts per address are rate-limited (10 an hour by default).
      String email = key + "@example.com";
      users.add(tenant, "usr_" + key, email);
      if (!call("startLogin", false, () -> {
        engine.startLogin(secret, email);
        return null;
      }).succeeded()) {
        return;
      }
      String code = sender.awaitLastCode(tenant, email);
      if (!call("verifyLogin", false, () -> engine.verifyLogin(secret, code)).succeeded()) {
        return;
      }
    } else if (!call("update", false, () -> engine.update(tenant, id, UpdateSessionRequest.builder()
        .metadata(Map.of("step", 2L)).build())).succeeded()) {
      return;
    }
    call("complete", false, () -> engine.complete(tenant, id));
  }

  /**
   * Runs one call and checks what the contract allows: a result, or STORAGE_UNAVAILABLE, within the bound. A
   * retry ({@code afterUnknownOutcome}) may also meet the effect of its first attempt (e.g. the link used).
   */
  private <T> Outcome<T> call(String what, boolean afterUnknownOutcome, Callable<T> call) throws Exception {
    calls.incrementAndGet();
    long start = System.nanoTime();
    Outcome<T> outcome;
    try {
      outcome = Outcome.of(call);
    } catch (RuntimeException e) {
      violations.add(what + " threw " + e);
      return new Outcome<>(null, ErrorCode.STORAGE_UNAVAILABLE);
    }
    long took = System.nanoTime() - start;
    longestCallNanos.accumulateAndGet(took, Math::max);
    if (outcome.error() == ErrorCode.STORAGE_UNAVAILABLE) {
      unavailable.incrementAndGet();
    } else if (outcome.error() != null && !afterUnknownOutcome) {
      violations.add(what + " answered " + outcome.error() + " on a first attempt");
    }
    return outcome;
  }

  private static synchronized void report(String line) throws IOException {
    Files.writeString(Path.of("target", "reliability-report.txt"), line + System.lineSeparator(),
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
