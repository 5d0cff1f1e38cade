package dev.handoff.storage.memory;

import static dev.handoff.storage.memory.TestSessions.session;
import static dev.handoff.storage.tck.StoredSessions.redemption;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionClocks;
import dev.handoff.spi.SessionPage;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CaffeineSessionStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456789Z");

  private final MutableClock clock = new MutableClock(T0);
  private final CaffeineSessionStore store = CaffeineSessionStore.builder().clock(clock).build();
  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Nested
  class Builder {
    @Test
    void rejectsBadSettingsAtOnce() {
      var builder = CaffeineSessionStore.builder();
      assertThatThrownBy(() -> builder.retention(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
      assertThatThrownBy(() -> builder.retention(Duration.ofDays(3651)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
      assertThatThrownBy(() -> builder.maximumSize(0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximumSize");
      assertThatThrownBy(() -> builder.clock(null)).isInstanceOf(NullPointerException.class);
    }
  }

  @Nested
  class InsertAndFind {
    @Test
    void findReturnsWhatWasInserted() {
      StoredSession s = session("t1", "csn_1", T0).idempotency("key-1", "fp-1").build();
      store.insert(s);
      assertThat(store.find("t1", "csn_1")).contains(s);
      assertThat(store.findByIdempotencyKey("t1", "key-1")).contains(s);
      assertThat(store.find("t2", "csn_1")).isEmpty();
      assertThat(store.findByIdempotencyKey("t2", "key-1")).isEmpty();
    }

    @Test
    void duplicateIdIsAConflictAndKeepsTheFirst() {
      StoredSession first = session("t1", "csn_1", T0).build();
      store.insert(first);
      StoredSession second = session("t1", "csn_1", T0).tokenDigest("other").idempotency("k", "fp").build();
      assertThatThrownBy(() -> store.insert(second))
          .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
      assertThat(store.find("t1", "csn_1")).contains(first);
      assertThat(store.findByIdempotencyKey("t1", "k")).isEmpty();
      assertThat(store.claimCount()).isZero();
    }

    @Test
    void duplicateIdempotencyKeyIsAConflictPerTenant() {
      store.insert(session("t1", "csn_1", T0).idempotency("k", "fp").build());
      assertThatThrownBy(() -> store.insert(session("t1", "csn_2", T0).idempotency("k", "fp2").build()))
          .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
      assertThat(store.find("t1", "csn_2")).isEmpty();
      assertThat(store.list("t1", null, 10).sessions()).extracting(StoredSession::id).containsExactly("csn_1");

      StoredSession otherTenant = session("t2", "csn_2", T0).idempotency("k", "fp").build();
      store.insert(otherTenant);
      assertThat(store.findByIdempotencyKey("t2", "k")).contains(otherTenant);
    }

    @Test
    void expiredSessionIsStillFoundDuringRetention() {
      StoredSession s = session("t1", "csn_1", T0).build();
      store.insert(s);
      clock.advance(Duration.ofHours(1).plus(Duration.ofDays(1)).minusNanos(1));
      assertThat(store.find("t1", "csn_1")).contains(s);
    }
  }

  @Nested
  class Eviction {
    @Test
    void sessionLeavesAtExpiresAtPlusRetentionWithItsIndexEntries() {
      var shortStore = CaffeineSessionStore.builder().clock(clock).retention(Duration.ofMinutes(5)).build();
      shortStore.insert(session("t1", "csn_1", T0).idempotency("k", "fp").build());
      shortStore.insert(session("t1", "csn_2", T0.plusSeconds(60)).build());

      clock.advance(Duration.ofMinutes(65)); // csn_1 is due exactly now, csn_2 a minute later
      assertThat(shortStore.find("t1", "csn_1")).isEmpty();
      assertThat(shortStore.findByIdempotencyKey("t1", "k")).isEmpty();
      assertThat(shortStore.find("t1", "csn_2")).isPresent();
      assertThat(shortStore.list("t1", null, 10).sessions()).extracting(StoredSession::id).containsExactly("csn_2");

      shortStore.cleanUp();
      assertThat(shortStore.claimCount()).isZero();
      assertThat(shortStore.listedIdCount()).isEqualTo(1);
    }

    @Test
    void keyOfAnExpiredButNotYetEvictedSessionCanBeReused() {
      var shortStore = CaffeineSessionStore.builder().clock(clock).retention(Duration.ZERO).build();
      shortStore.insert(session("t1", "csn_1", T0).idempotency("k", "fp").build());
      clock.advance(Duration.ofHours(2));

      StoredSession next = session("t1", "csn_2", clock.instant()).idempotency("k", "fp").build();
      shortStore.insert(next);
      shortStore.cleanUp(); // evicting csn_1 must not release csn_2's claim
      assertThat(shortStore.findByIdempotencyKey("t1", "k")).contains(next);
      assertThat(shortStore.claimCount()).isEqualTo(1);
    }

    @Test
    void aFullStoreRefusesNewSessionsAndKeepsEveryLiveOne() {
      var small = CaffeineSessionStore.builder().clock(clock).maximumSize(10).retention(Duration.ZERO).build();
      for (int i = 0; i < 10; i++) {
        small.insert(session("t1", "csn_" + i, T0).idempotency("k" + i, "fp").build());
      }
      assertThatThrownBy(() -> small.insert(session("t1", "csn_10", T0).idempotency("k10", "fp").build()))
          .isInstanceOfSatisfying(HandoffException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
      assertThat(small.find("t1", "csn_10")).isEmpty();
      assertThat(small.findByIdempotencyKey("t1", "k10")).isEmpty();
      for (int i = 0; i < 10; i++) {
        assertThat(small.find("t1", "csn_" + i)).as("csn_%d", i).isPresent();
      }
      // Once they expire (retention zero), they make room again, and the indexes follow.
      clock.advance(Duration.ofDays(1));
      small.insert(session("t1", "csn_10", clock.instant()).idempotency("k10", "fp").build());
      small.cleanUp();
      assertThat(small.list("t1", null, 100).sessions()).extracting(StoredSession::id).containsExactly("csn_10");
      assertThat(small.claimCount()).isEqualTo(1);
      assertThat(small.listedIdCount()).isEqualTo(1);
    }

    /** Issue 10 #6: a full store used to stay locked for TTL + retention (up to 8 days). */
    @Test
    void aFullStoreDropsExpiredSessionsWithinTheirRetentionFirst() {
      var small = CaffeineSessionStore.builder().clock(clock).maximumSize(10).retention(Duration.ofDays(7)).build();
      for (int i = 0; i < 6; i++) {
        small.insert(session("t1", "old_" + i, T0).idempotency("k" + i, "fp").build()); // expire at T0 + 1 h
      }
      for (int i = 0; i < 4; i++) {
        small.insert(session("t2", "live_" + i, T0.plusSeconds(3000)).build()); // expire at T0 + 1 h 50 min
      }
      clock.advance(Duration.ofMinutes(61)); // the six have expired, retention keeps them for 7 more days
      for (int i = 0; i < 6; i++) {
        small.insert(session("t3", "new_" + i, clock.instant()).build());
      }
      assertThatThrownBy(() -> small.insert(session("t3", "one_too_many", clock.instant()).build()))
          .isInstanceOfSatisfying(HandoffException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
      for (int i = 0; i < 4; i++) {
        assertThat(small.find("t2", "live_" + i)).as("live_%d", i).isPresent();
      }
      assertThat(small.list("t1", null, 10).sessions()).isEmpty();
      assertThat(small.claimCount()).isZero();
      assertThat(small.listedIdCount()).isEqualTo(10);
    }

    @Test
    void aTenantAtItsQuotaCannotLockOutOthers() {
      var shared = CaffeineSessionStore.builder().clock(clock).maximumSize(10).maximumSessionsPerTenant(4)
          .build();
      for (int i = 0; i < 4; i++) {
        shared.insert(session("greedy", "csn_" + i, T0).build());
      }
      assertThatThrownBy(() -> shared.insert(session("greedy", "csn_4", T0).build()))
          .isInstanceOfSatisfying(HandoffException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS));
      assertThat(shared.find("greedy", "csn_4")).isEmpty();
      for (int i = 0; i < 4; i++) {
        shared.insert(session("modest", "csn_" + i, T0).build());
      }
      // Once the greedy tenant's sessions expire, its own quota frees up, without waiting for retention.
      clock.advance(Duration.ofHours(1));
      shared.insert(session("greedy", "csn_4", clock.instant()).build());
      assertThat(shared.list("greedy", null, 10).sessions()).extracting(StoredSession::id)
          .containsExactly("csn_4");
      assertThat(shared.list("modest", null, 10).sessions()).hasSize(4);
      assertThatThrownBy(() -> CaffeineSessionStore.builder().maximumSessionsPerTenant(0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximumSessionsPerTenant");
    }

    /** {@code Handoff.purgeExpired} calls {@code deleteExpired(now - retention)}: it must find and count them. */
    @Test
    void deleteExpiredRemovesAndCountsSessionsWithinTheirRetention() {
      for (int i = 0; i < 5; i++) {
        store.insert(session("t1", "old_" + i, T0).idempotency("k" + i, "fp").build());
      }
      store.insert(session("t1", "live", T0.plus(Duration.ofDays(2))).build());
      clock.advance(Duration.ofHours(3));
      assertThat(store.deleteExpired(clock.instant().minus(Duration.ofHours(1)), 3)).isEqualTo(3);
      assertThat(store.deleteExpired(clock.instant().minus(Duration.ofHours(1)), 100)).isEqualTo(2);
      assertThat(store.list("t1", null, 10).sessions()).extracting(StoredSession::id).containsExactly("live");
      assertThat(store.claimCount()).isZero();
    }
  }

  @Nested
  class Replace {
    @Test
    void replacesOnlyTheExpectedVersion() {
      StoredSession s = session("t1", "csn_1", T0).build();
      store.insert(s);
      StoredSession next = s.toBuilder().status(SessionStatus.REVOKED).version(1).build();
      assertThat(store.replace(next, 0)).isTrue();
      assertThat(store.find("t1", "csn_1")).contains(next);
      assertThat(store.replace(next.toBuilder().version(1).build(), 0)).isFalse();
      assertThat(store.find("t1", "csn_1")).contains(next);
      assertThat(store.replace(session("t1", "csn_404", T0).version(1).build(), 0)).isFalse();
      assertThatThrownBy(() -> store.replace(next, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void movingTheIdempotencyKeyMovesItsClaim() {
      StoredSession s = session("t1", "csn_1", T0).idempotency("a", "fp").build();
      store.insert(s);
      store.insert(session("t1", "csn_2", T0).idempotency("taken", "fp").build());

      StoredSession clash = s.toBuilder().idempotency("taken", "fp").version(1).build();
      assertThatThrownBy(() -> store.replace(clash, 0))
          .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
      assertThat(store.find("t1", "csn_1")).contains(s);

      StoredSession moved = s.toBuilder().idempotency("b", "fp").version(1).build();
      assertThat(store.replace(moved, 0)).isTrue();
      assertThat(store.findByIdempotencyKey("t1", "a")).isEmpty();
      assertThat(store.findByIdempotencyKey("t1", "b")).contains(moved);
      assertThat(store.claimCount()).isEqualTo(2);
    }
  }

  @Nested
  class Consume {
    /** The claim of an idempotency key lives as long as its holder, whose expiresAt consume moved later. */
    @Test
    void theKeyStaysTakenForTheWholeSecondClock() {
      var shortStore = CaffeineSessionStore.builder().clock(clock).retention(Duration.ZERO).build();
      StoredSession s = session("t1", "csn_1", T0).idempotency("k", "fp")
          .clocks(new SessionClocks(T0.plus(Duration.ofHours(1)), Duration.ofMinutes(5), Duration.ofDays(1)))
          .build();
      shortStore.insert(s);
      assertThat(shortStore.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, null, redemption(T0), T0)).isPresent();
      clock.advance(Duration.ofHours(2)); // past the link's deadline, within the day in the page
      assertThatThrownBy(() -> shortStore.insert(session("t1", "csn_2", clock.instant()).idempotency("k", "fp")
          .build()))
          .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
      assertThat(shortStore.findByIdempotencyKey("t1", "k")).map(StoredSession::id).contains("csn_1");
    }

    /** A full store scans for expired sessions only if one may have expired: consume may move expiry earlier. */
    @Test
    void aFullStoreFindsASessionWhoseSecondClockEndedFirst() {
      var small = CaffeineSessionStore.builder().clock(clock).maximumSize(2).retention(Duration.ofDays(1)).build();
      Instant week = T0.plus(Duration.ofDays(7));
      small.insert(session("t1", "short", T0).expiresAt(week)
          .clocks(new SessionClocks(week, Duration.ofMinutes(1), Duration.ofMinutes(1))).build());
      small.insert(session("t1", "long", T0).expiresAt(week).build());
      // A refused insert scans once and learns that nothing expires before next week.
      assertThatThrownBy(() -> small.insert(session("t1", "refused", T0).build()))
          .isInstanceOfSatisfying(HandoffException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
      assertThat(small.consume("t1", "short", 1, SessionStatus.ACTIVE, null, redemption(T0), T0)).isPresent();
      clock.advance(Duration.ofMinutes(2));
      small.insert(session("t1", "next", clock.instant()).build());
      assertThat(small.find("t1", "short")).isEmpty();
      assertThat(small.find("t1", "long")).isPresent();
    }

    @Test
    void consumesOnceAndReturnsTheStoredValue() {
      StoredSession s = session("t1", "csn_1", T0).build();
      store.insert(s);
      Instant now = T0.plusSeconds(10);
      assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, null, redemption(now), now))
          .contains(s.consumedAs(SessionStatus.ACTIVE, null, redemption(now), now));
      assertThat(store.find("t1", "csn_1")).contains(s.consumedAs(SessionStatus.ACTIVE, null, redemption(now), now));
      assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, null, redemption(now), now)).isEmpty();
    }

    @Test
    void refusesWrongGenerationExpiryTenantOrStatus() {
      StoredSession s = session("t1", "csn_1", T0).tokenGeneration(2).build();
      store.insert(s);
      assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, null, redemption(T0), T0)).isEmpty();
      Instant end = s.expiresAt();
      assertThat(store.consume("t1", "csn_1", 2, SessionStatus.ACTIVE, null, redemption(end), end)).isEmpty();
      assertThat(store.consume("t2", "csn_1", 2, SessionStatus.ACTIVE, null, redemption(T0), T0)).isEmpty();
      assertThat(store.find("t1", "csn_1")).contains(s);
      assertThatThrownBy(() -> store.consume("t1", "csn_1", 2, SessionStatus.OPEN, null, redemption(T0), T0))
          .isInstanceOf(IllegalArgumentException.class);

      store.insert(session("t1", "csn_2", T0).status(SessionStatus.LOGIN_REQUIRED).build());
      assertThat(store.consume("t1", "csn_2", 1, SessionStatus.ACTIVE, null, redemption(T0), T0)).isEmpty();
      Instant last = end.minusNanos(1);
      assertThat(store.consume("t1", "csn_1", 2, SessionStatus.LOGIN_REQUIRED, null, redemption(last), last))
          .isPresent();
    }
  }

  @Nested
  class Indexes {
    @Test
    void userAndLiveIndexesFollowEveryChangeAndLeaveWithTheSession() {
      var shortStore = CaffeineSessionStore.builder().clock(clock).retention(Duration.ofMinutes(5)).build();
      StoredSession a = session("t1", "a", T0).subject(new Subject.ExistingUser("usr_1")).build();
      StoredSession b = session("t1", "b", T0).subject(new Subject.ExistingUser("usr_1")).build();
      shortStore.insert(a);
      shortStore.insert(b);
      shortStore.insert(session("t2", "c", T0).build());
      assertThat(shortStore.userIdCount()).isEqualTo(2);
      assertThat(shortStore.liveCount()).isEqualTo(3);

      assertThat(shortStore.replace(a.toBuilder().subject(new Subject.ExistingUser("usr_2")).version(1).build(), 0))
          .isTrue();
      assertThat(shortStore.replace(b.toBuilder().status(SessionStatus.REVOKED).version(1).build(), 0)).isTrue();
      assertThat(shortStore.userIdCount()).isEqualTo(2);
      assertThat(shortStore.liveCount()).as("b was revoked").isEqualTo(2);
      assertThat(shortStore.listByUser("t1", "usr_1", null, 10).sessions()).extracting(StoredSession::id)
          .containsExactly("b");
      assertThat(shortStore.consume("t2", "c", 1, SessionStatus.REVOKED, null, redemption(T0), T0)).isPresent();
      assertThat(shortStore.liveCount()).as("c was consumed into a final status").isEqualTo(1);

      clock.advance(Duration.ofMinutes(66)); // every session is past its expiry and retention
      shortStore.cleanUp();
      assertThat(shortStore.listedIdCount()).isZero();
      assertThat(shortStore.userIdCount()).isZero();
      assertThat(shortStore.liveCount()).isZero();
    }

    @Test
    void listEndedReadsOnlyWhatEndedInOrderOfExpiry() {
      for (int i = 0; i < 5; i++) {
        store.insert(session("t" + i % 2, "csn_" + i, T0.minusSeconds(i)).build());
        store.insert(session("t1", "done_" + i, T0.minusSeconds(10 + i)).status(SessionStatus.COMPLETED).build());
      }
      Instant end = T0.plus(Duration.ofHours(1));
      assertThat(store.listEnded(end, 10)).extracting(StoredSession::id)
          .containsExactly("csn_4", "csn_3", "csn_2", "csn_1", "csn_0");
      assertThat(store.listEnded(end.minusSeconds(2), 2)).extracting(StoredSession::id)
          .containsExactly("csn_4", "csn_3");
    }
  }

  @Nested
  class Listing {
    @Test
    void pagesInIdOrderWithExactCursor() {
      for (String id : List.of("c", "a", "e", "b", "d", "f")) {
        store.insert(session("t1", id, T0).build());
      }
      store.insert(session("t2", "aa", T0).build());

      var ids = new ArrayList<String>();
      SessionPage page = store.list("t1", null, 2);
      int pages = 1;
      while (true) {
        page.sessions().forEach(s -> ids.add(s.id()));
        if (page.nextCursor() == null) {
          break;
        }
        page = store.list("t1", page.nextCursor(), 2);
        pages++;
      }
      assertThat(ids).containsExactly("a", "b", "c", "d", "e", "f");
      assertThat(pages).isEqualTo(3); // 6 sessions by 2: the last full page has no cursor
      assertThat(store.list("t1", null, 6).nextCursor()).isNull();
      assertThat(store.list("t1", null, 5).nextCursor()).isEqualTo("e");
      assertThat(store.list("nobody", null, 5)).isEqualTo(new SessionPage(List.of(), null));
      assertThatThrownBy(() -> store.list("t1", null, 0)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class DeleteExpired {
    @Test
    void deletesAtMostLimitOfTheExpiredOnes() {
      for (int i = 0; i < 5; i++) {
        store.insert(session("t" + (i % 2), "old" + i, T0).idempotency("k" + i, "fp").build());
      }
      StoredSession boundary = session("t1", "boundary", T0.plusSeconds(1)).build();
      store.insert(boundary);
      Instant before = boundary.expiresAt(); // not before itself: kept

      assertThat(store.deleteExpired(before, 3)).isEqualTo(3);
      assertThat(store.deleteExpired(before, 3)).isEqualTo(2);
      assertThat(store.deleteExpired(before, 3)).isZero();
      assertThat(store.find("t1", "boundary")).contains(boundary);
      assertThat(store.claimCount()).isZero();
      assertThat(store.listedIdCount()).isEqualTo(1);
      assertThatThrownBy(() -> store.deleteExpired(before, 0)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Races {
    @Test
    void exactlyOneConsumeWinsEachRound() throws Exception {
      int threads = 8;
      var barrier = new CyclicBarrier(threads);
      for (int round = 0; round < 300; round++) {
        String id = "csn_" + round;
        store.insert(session("t1", id, T0).build());
        var wins = new AtomicInteger();
        var futures = new ArrayList<Future<?>>();
        for (int t = 0; t < threads; t++) {
          futures.add(pool.submit(() -> {
            barrier.await();
            Instant now = T0.plusSeconds(1);
            if (store.consume("t1", id, 1, SessionStatus.ACTIVE, null, redemption(now), now).isPresent()) {
              wins.incrementAndGet();
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(10, TimeUnit.SECONDS);
        }
        assertThat(wins).as("round %d", round).hasValue(1);
        assertThat(store.find("t1", id).orElseThrow().version()).isEqualTo(1);
      }
    }

    @Test
    void exactlyOneInsertWinsAnIdempotencyKey() throws Exception {
      int threads = 8;
      var barrier = new CyclicBarrier(threads);
      for (int round = 0; round < 200; round++) {
        String key = "key-" + round;
        var wins = new AtomicInteger();
        var futures = new ArrayList<Future<?>>();
        for (int t = 0; t < threads; t++) {
          String id = "csn_" + round + "_" + t;
          futures.add(pool.submit(() -> {
            barrier.await();
            try {
              store.insert(session("t1", id, T0).idempotency(key, "fp").build());
              wins.incrementAndGet();
            } catch (HandoffException e) {
              assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(10, TimeUnit.SECONDS);
        }
        assertThat(wins).as("round %d", round).hasValue(1);
        assertThat(store.findByIdempotencyKey("t1", key)).isPresent();
      }
      assertThat(store.listedIdCount()).isEqualTo(200);
    }

    @Test
    void aSessionInsertedWhileItsTenantEmptiesStaysListed() throws Exception {
      // Each round, one thread inserts a live session into a fresh tenant while the others insert expired ones and
      // delete them again, so that the tenant's index empties (and is dropped) around the live insert.
      int threads = 8;
      var barrier = new CyclicBarrier(threads);
      Instant past = T0.minus(Duration.ofHours(2));
      for (int round = 0; round < 1000; round++) {
        String tenant = "t" + round;
        var futures = new ArrayList<Future<?>>();
        for (int t = 0; t < threads; t++) {
          String id = "csn_" + t;
          boolean live = t == 0;
          futures.add(pool.submit(() -> {
            barrier.await();
            if (live) {
              store.insert(session(tenant, id, T0).build());
            } else {
              for (int i = 0; i < 5; i++) {
                store.insert(session(tenant, id + "_" + i, past).build());
                store.deleteExpired(T0, threads);
              }
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(10, TimeUnit.SECONDS);
        }
        store.deleteExpired(T0, threads);
        assertThat(store.list(tenant, null, 10).sessions()).as("round %d", round)
            .extracting(StoredSession::id).containsExactly("csn_0");
      }
      assertThat(store.listedIdCount()).isEqualTo(1000);
    }

    @Test
    void aSessionInsertedWhileItsUserEmptiesStaysListedByUser() throws Exception {
      // The user index takes no lock: each round, one thread inserts a live session of a fresh user while the
      // others insert expired sessions of that user and delete them again, so that the user's set empties (and is
      // retired and dropped) around the live insert; the tenant keeps other sessions, so only the user's set moves.
      int threads = 8;
      var barrier = new CyclicBarrier(threads);
      Instant past = T0.minus(Duration.ofHours(2));
      store.insert(session("t1", "keeps-the-tenant", T0).build());
      for (int round = 0; round < 1000; round++) {
        var user = new Subject.ExistingUser("usr_" + round);
        var futures = new ArrayList<Future<?>>();
        for (int t = 0; t < threads; t++) {
          String id = "csn_" + round + "_" + t;
          boolean live = t == 0;
          futures.add(pool.submit(() -> {
            barrier.await();
            if (live) {
              store.insert(session("t1", id, T0).subject(user).build());
            } else {
              for (int i = 0; i < 5; i++) {
                store.insert(session("t1", id + "_" + i, past).subject(user).build());
                store.deleteExpired(T0, threads);
              }
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(10, TimeUnit.SECONDS);
        }
        store.deleteExpired(T0, 100);
        assertThat(store.listByUser("t1", user.userId(), null, 10).sessions()).as("round %d", round)
            .extracting(StoredSession::id).containsExactly("csn_" + round + "_0");
      }
      assertThat(store.userIdCount()).isEqualTo(1000);
    }

    @Test
    void concurrentInsertsOfOneUserAreAllIndexed() throws Exception {
      int threads = 8;
      int perThread = 500;
      var barrier = new CyclicBarrier(threads);
      var user = new Subject.ExistingUser("usr_1");
      var futures = new ArrayList<Future<?>>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          barrier.await();
          for (int i = 0; i < perThread; i++) {
            store.insert(session("t1", "csn_" + thread + "_" + i, T0).subject(user).build());
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(store.userIdCount()).isEqualTo(threads * perThread);
      var listed = new ArrayList<String>();
      String cursor = null;
      do {
        SessionPage page = store.listByUser("t1", "usr_1", cursor, 100);
        page.sessions().forEach(s -> listed.add(s.id()));
        cursor = page.nextCursor();
      } while (cursor != null);
      assertThat(listed).hasSize(threads * perThread).doesNotHaveDuplicates().isSorted();
    }
  }
}
