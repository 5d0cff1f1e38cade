package dev.handoff.storage.jdbc;

import static dev.handoff.storage.tck.StoredSessions.baseTime;
import static dev.handoff.storage.tck.StoredSessions.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionPage;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionSweeperTest {
  private final TestDatabase database = TestDatabase.of(TestDatabase.Kind.H2);

  @AfterEach
  void dropDatabase() {
    database.close();
  }

  private static StoredSession expiringAt(String id, Instant expiresAt) {
    return open("t1", id).createdAt(expiresAt.minusSeconds(60)).modifiedAt(expiresAt.minusSeconds(60))
        .expiresAt(expiresAt).build();
  }

  @Test
  void deletesOnlySessionsPastTheRetentionInBoundedBatches() {
    JdbcSessionStore store = database.newStore();
    Instant now = baseTime();
    for (int i = 0; i < 25; i++) {
      store.insert(expiringAt("old" + i, now.minus(Duration.ofHours(25)).minusSeconds(i)));
    }
    StoredSession recentlyExpired = expiringAt("recent", now.minus(Duration.ofHours(23)));
    store.insert(recentlyExpired);
    SessionSweeper sweeper = SessionSweeper.builder(store).clock(Clock.fixed(now, ZoneOffset.UTC))
        .retention(Duration.ofDays(1)).batchLimit(4).maxBatchesPerRun(5).build();

    assertThat(sweeper.sweepOnce()).isEqualTo(20); // capped at 5 batches of 4
    assertThat(sweeper.sweepOnce()).isEqualTo(5);
    assertThat(sweeper.sweepOnce()).isZero();
    assertThat(store.list("t1", null, 100).sessions()).containsExactly(recentlyExpired);
  }

  @Test
  void keepsSweepingOnScheduleAfterAFailure() throws InterruptedException {
    // The failure below is expected; keep its warning out of the build output.
    Logger sweeperLog = Logger.getLogger(SessionSweeper.class.getName());
    Level level = sweeperLog.getLevel();
    sweeperLog.setLevel(Level.OFF);
    try {
      sweepThroughAFailure();
    } finally {
      sweeperLog.setLevel(level);
    }
  }

  private void sweepThroughAFailure() throws InterruptedException {
    var calls = new AtomicInteger();
    var secondCall = new CountDownLatch(1);
    SessionStore failingOnce = new EmptyStore() {
      @Override
      public int deleteExpired(Instant expiredBefore, int limit) {
        if (calls.incrementAndGet() == 1) {
          throw new HandoffException(ErrorCode.STORAGE_UNAVAILABLE, "down for a moment");
        }
        secondCall.countDown();
        return 0;
      }
    };
    try (SessionSweeper sweeper = SessionSweeper.builder(failingOnce).interval(Duration.ofMillis(20)).build()) {
      sweeper.start();
      assertThat(secondCall.await(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(sweeper::start).isInstanceOf(IllegalStateException.class);
    }
    int after = calls.get();
    Thread.sleep(100);
    assertThat(calls.get()).as("no runs after close").isLessThanOrEqualTo(after + 1);
  }

  @Test
  void rejectsInvalidSettings() {
    var builder = SessionSweeper.builder(new EmptyStore());
    assertThatThrownBy(() -> builder.interval(Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.retention(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.batchLimit(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.maxBatchesPerRun(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.pause(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.pause(Duration.ofSeconds(61))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SessionSweeper.builder(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aRunPausesBetweenBatchesAndAnInterruptEndsIt() {
    var batches = new AtomicInteger();
    SessionStore alwaysFull = new EmptyStore() {
      @Override
      public int deleteExpired(Instant expiredBefore, int limit) {
        batches.incrementAndGet();
        return limit;
      }
    };
    SessionSweeper sweeper = SessionSweeper.builder(alwaysFull).batchLimit(10).maxBatchesPerRun(3)
        .pause(Duration.ofMinutes(1)).build();

    Thread.currentThread().interrupt(); // the first pause ends the run: a minute-long pause would hang the test
    try {
      assertThat(sweeper.sweepOnce()).isEqualTo(10);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(batches).hasValue(1);

    batches.set(0);
    SessionSweeper unpaused = SessionSweeper.builder(alwaysFull).batchLimit(10).maxBatchesPerRun(3)
        .pause(Duration.ZERO).build();
    assertThat(unpaused.sweepOnce()).isEqualTo(30);
    assertThat(batches).hasValue(3);
  }

  /** A store with nothing in it. */
  private static class EmptyStore implements SessionStore {
    @Override
    public void insert(StoredSession session) {}

    @Override
    public Optional<StoredSession> find(String tenant, String id) {
      return Optional.empty();
    }

    @Override
    public Optional<StoredSession> findByIdempotencyKey(String tenant, String idempotencyKey) {
      return Optional.empty();
    }

    @Override
    public boolean replace(StoredSession replacement, long expectedVersion) {
      return false;
    }

    @Override
    public Optional<StoredSession> consume(String tenant, String id, long tokenGeneration,
        SessionStatus newStatus, BrowserBinding browser, AccessRecord access, Instant now) {
      return Optional.empty();
    }

    @Override
    public SessionPage listByUser(String tenant, String userId, String cursor, int limit) {
      return new SessionPage(List.of(), null);
    }

    @Override
    public List<StoredSession> listEnded(Instant now, int limit) {
      return List.of();
    }

    @Override
    public SessionPage list(String tenant, String cursor, int limit) {
      return new SessionPage(List.of(), null);
    }

    @Override
    public int deleteExpired(Instant expiredBefore, int limit) {
      return 0;
    }

    @Override
    public long incrementCounter(String tenant, String key, Instant windowEnd, Instant now) {
      return 1;
    }
  }
}
