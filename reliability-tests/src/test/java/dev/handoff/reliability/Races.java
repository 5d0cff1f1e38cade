package dev.handoff.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks on threads released together. The number of rounds of every race comes from the system property
 * {@code handoff.race.rounds} (default {@value #DEFAULT_ROUNDS}; half on PostgreSQL and MariaDB), so a longer run is one flag away:
 * {@code ./mvnw -B verify -pl reliability-tests -am -Dhandoff.race.rounds=2000}.
 */
final class Races implements AutoCloseable {
  static final int DEFAULT_ROUNDS = 200;
  static final int THREADS = 8;

  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  static int rounds() {
    return Integer.getInteger("handoff.race.rounds", DEFAULT_ROUNDS);
  }

  /**
   * The rounds on {@code backend}: half on database servers, whose rounds cost network round trips and
   * transactions; all of them on Redis, whose rounds are one script per call and as quick as H2's.
   */
  static int rounds(Backend backend) {
    return backend.isServer() ? Math.max(1, rounds() / 2) : rounds();
  }

  /** Runs each task on its own thread, all released at once; returns their results in task order. */
  <T> List<T> race(List<Callable<T>> tasks) throws Exception {
    var barrier = new CyclicBarrier(tasks.size());
    var futures = new ArrayList<Future<T>>();
    for (Callable<T> task : tasks) {
      futures.add(pool.submit(() -> {
        barrier.await(30, TimeUnit.SECONDS);
        return task.call();
      }));
    }
    var results = new ArrayList<T>();
    for (Future<T> f : futures) {
      results.add(f.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  /** {@code task} on {@link #THREADS} threads at once. */
  <T> List<T> race(Callable<T> task) throws Exception {
    var tasks = new ArrayList<Callable<T>>();
    for (int i = 0; i < THREADS; i++) {
      tasks.add(task);
    }
    return race(tasks);
  }

  @Override
  public void close() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }
}
