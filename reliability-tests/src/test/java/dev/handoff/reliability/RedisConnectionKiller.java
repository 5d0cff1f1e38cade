package dev.handoff.reliability;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kills the connections of a fixture's Redis stores ({@code CLIENT KILL} on every master) at random moments, 20 to
 * 100 ms apart, from its own thread while enabled. With the flows' threads sending all the time, commands are in
 * flight at nearly every kill: they fail with their outcome unknown (a script may have run, its reply lost), and
 * the stores reconnect. Thread-safe.
 */
final class RedisConnectionKiller implements Faults, AutoCloseable {
  private final StoreFixture fixture;
  private final SplittableRandom random;
  private final AtomicInteger killed = new AtomicInteger();
  private final Thread thread;
  private volatile boolean enabled;
  private volatile boolean closed;
  private volatile RuntimeException failure;

  RedisConnectionKiller(StoreFixture fixture, long seed) {
    this.fixture = fixture;
    this.random = new SplittableRandom(seed);
    this.thread = new Thread(this::run, "redis-connection-killer");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (!closed && failure == null) {
      try {
        Thread.sleep(20 + random.nextInt(80));
      } catch (InterruptedException e) {
        return;
      }
      if (enabled) {
        try {
          killed.addAndGet(fixture.killRedisConnections());
        } catch (RuntimeException e) {
          failure = e;
        }
      }
    }
  }

  @Override
  public void enabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** The connections killed so far (none while a store was reconnecting). */
  @Override
  public Map<String, Integer> injected() {
    return Map.of("CLIENT_KILL", killed.get());
  }

  /** Stops the thread; fails if a kill failed (the faults would have stopped early). */
  @Override
  public void close() throws InterruptedException {
    closed = true;
    thread.interrupt();
    thread.join(5_000);
    if (failure != null) {
      throw new IllegalStateException("killing the Redis connections failed", failure);
    }
  }
}
