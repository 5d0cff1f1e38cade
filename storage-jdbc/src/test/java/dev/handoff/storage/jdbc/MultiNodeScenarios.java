package dev.handoff.storage.jdbc;

import static dev.handoff.storage.tck.StoredSessions.baseTime;
import static dev.handoff.storage.tck.StoredSessions.open;
import static dev.handoff.storage.tck.StoredSessions.redemption;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two engine nodes, each with its own pool and store, over one database and table: what one node writes the
 * other sees, and races between them are decided by the database. Subclasses choose the database.
 */
abstract class MultiNodeScenarios {
  private static final Instant NOW = baseTime().plusSeconds(60);

  private final TestDatabase nodeA = TestDatabase.of(kind());
  private final TestDatabase nodeB = nodeA.otherNode();
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  private JdbcSessionStore storeA;
  private JdbcSessionStore storeB;

  abstract TestDatabase.Kind kind();

  @BeforeEach
  void startNodes() {
    nodeA.assumeAvailable();
    storeA = nodeA.newStore(); // creates the table
    storeB = JdbcSessionStore.builder(nodeB.dataSource()).tablePrefix(nodeB.prefix()).build();
  }

  @AfterEach
  void stopNodes() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(30, TimeUnit.SECONDS);
    nodeB.close();
    nodeA.close(); // drops the table
  }

  @Test
  void aSessionInsertedOnOneNodeIsConsumedOnTheOtherAndCannotBeReplayed() {
    StoredSession s = open("t1", "csn_1").build();
    storeA.insert(s);
    assertThat(storeB.find("t1", "csn_1")).contains(s);

    StoredSession consumed = s.consumedAs(SessionStatus.ACTIVE, null, redemption(NOW), NOW);
    assertThat(storeB.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, null, redemption(NOW), NOW)).contains(consumed);
    assertThat(storeA.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, null, redemption(NOW), NOW)).isEmpty();
    assertThat(storeB.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, null, redemption(NOW), NOW)).isEmpty();
    assertThat(storeA.find("t1", "csn_1")).contains(consumed);
  }

  @Test
  void concurrentConsumesFromBothNodesHaveExactlyOneWinner() throws Exception {
    for (int round = 0; round < 40; round++) {
      String id = "csn_" + round;
      storeA.insert(open("t1", id).build());
      var wins = new AtomicInteger();
      race(thread -> {
        JdbcSessionStore store = thread % 2 == 0 ? storeA : storeB;
        if (store.consume("t1", id, 1, SessionStatus.ACTIVE, null, redemption(NOW), NOW).isPresent()) {
          wins.incrementAndGet();
        }
        return null;
      });
      assertThat(wins).as("round %d", round).hasValue(1);
    }
  }

  @Test
  void concurrentRedemptionsAsTheEngineMakesThemHaveOneWinnerThatReturnsTheStoredRow() throws Exception {
    for (int round = 0; round < 40; round++) {
      String id = "csn_" + round;
      storeA.insert(open("t1", id).build());
      var winners = new ConcurrentLinkedQueue<StoredSession>();
      race(thread -> {
        JdbcSessionStore store = thread % 2 == 0 ? storeA : storeB;
        // find, then consume the version found (one statement), as the engine redeems
        StoredSession found = store.find("t1", id).orElseThrow();
        if (thread % 4 == 1 && found.status() == SessionStatus.OPEN) {
          // a write between the finds and consumes of the others: their found versions go stale
          store.replace(found.toBuilder().metadata(Map.of("touchedBy", (long) thread)).version(found.version() + 1)
              .build(), found.version());
        }
        store.consume(found, SessionStatus.ACTIVE, null, redemption(NOW), NOW).ifPresent(winners::add);
        return null;
      });
      assertThat(winners).as("round %d", round).hasSize(1);
      assertThat(storeB.find("t1", id)).as("round %d", round).contains(winners.peek());
    }
  }

  @Test
  void concurrentCompareAndSetsFromBothNodesHaveExactlyOneWinner() throws Exception {
    for (int round = 0; round < 40; round++) {
      StoredSession s = open("t1", "csn_" + round).build();
      storeA.insert(s);
      var wins = new AtomicInteger();
      race(thread -> {
        JdbcSessionStore store = thread % 2 == 0 ? storeA : storeB;
        if (store.replace(s.toBuilder().tokenDigest("node-" + thread).version(1).build(), 0)) {
          wins.incrementAndGet();
        }
        return null;
      });
      assertThat(wins).as("round %d", round).hasValue(1);
    }
  }

  @Test
  void sweepersOnBothNodesDeleteEveryExpiredRowExactlyOnce() throws Exception {
    int expired = 400;
    for (int i = 0; i < expired; i++) {
      Instant expiresAt = baseTime().minusSeconds(1000 - i);
      storeA.insert(open("t" + (i % 3), "old_" + i).createdAt(expiresAt.minusSeconds(60))
          .modifiedAt(expiresAt.minusSeconds(60)).expiresAt(expiresAt).build());
    }
    StoredSession live = open("t1", "live").build();
    storeA.insert(live);
    JdbcSessionStore smallBatchesA = JdbcSessionStore.builder(nodeA.dataSource()).tablePrefix(nodeA.prefix())
        .deleteBatchSize(25).build();
    JdbcSessionStore smallBatchesB = JdbcSessionStore.builder(nodeB.dataSource()).tablePrefix(nodeB.prefix())
        .deleteBatchSize(25).build();

    var deleted = new AtomicInteger();
    race(thread -> {
      JdbcSessionStore store = thread % 2 == 0 ? smallBatchesA : smallBatchesB;
      int n;
      do {
        n = store.deleteExpired(baseTime(), 60);
        deleted.addAndGet(n);
      } while (n > 0);
      return null;
    });
    // A sweeper that stops early because others hold the rows may leave a few; one more pass finishes.
    deleted.addAndGet(smallBatchesA.deleteExpired(baseTime(), 10_000));
    assertThat(deleted).hasValue(expired);
    assertThat(storeB.find("t1", "live")).contains(live);
    assertThat(storeB.list("t0", null, 10).sessions()).isEmpty();
  }

  /** What sweeping engines on two nodes do: each ended session is marked EXPIRED by exactly one of them. */
  @Test
  void sweepersOnBothNodesMarkEveryEndedSessionExactlyOnce() throws Exception {
    int ended = 200;
    for (int i = 0; i < ended; i++) {
      Instant expiresAt = NOW.minusSeconds(i);
      storeA.insert(open("t" + (i % 3), "ended_" + i).status(SessionStatus.values()[i % 3])
          .createdAt(expiresAt.minusSeconds(60)).modifiedAt(expiresAt.minusSeconds(60)).expiresAt(expiresAt).build());
    }
    var marked = ConcurrentHashMap.<String>newKeySet();
    var markedTwice = new AtomicInteger();
    race(thread -> {
      JdbcSessionStore store = thread % 2 == 0 ? storeA : storeB;
      for (List<StoredSession> batch = store.listEnded(NOW, 10); !batch.isEmpty(); batch = store.listEnded(NOW, 10)) {
        for (StoredSession s : batch) {
          var expired = s.toBuilder().status(SessionStatus.EXPIRED).modifiedAt(NOW).version(s.version() + 1).build();
          if (store.replace(expired, s.version()) && !marked.add(s.tenant() + "/" + s.id())) {
            markedTwice.incrementAndGet();
          }
        }
      }
      return null;
    });
    assertThat(markedTwice).hasValue(0);
    assertThat(marked).hasSize(ended);
  }

  /** A task of one racing thread, told its number. */
  @FunctionalInterface
  interface RaceTask {
    Void run(int thread) throws Exception;
  }

  private void race(RaceTask task) throws Exception {
    int threads = 8;
    var barrier = new CyclicBarrier(threads);
    var futures = new ArrayList<Future<Void>>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Callable<Void> call = () -> {
        barrier.await(30, TimeUnit.SECONDS);
        return task.run(thread);
      };
      futures.add(pool.submit(call));
    }
    for (Future<Void> f : futures) {
      f.get(120, TimeUnit.SECONDS);
    }
  }
}
