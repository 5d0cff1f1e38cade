package dev.handoff;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@link Handoff#sweep} in the background, so that the end of every session is published
 * ({@link SessionEvent.Type#EXPIRED}, {@link SessionEvent.Type#ABANDONED}) and ended sessions are deleted after the
 * retention. Every {@linkplain Builder#interval interval} one run sweeps batch after batch, while a batch comes
 * back full (as many sessions marked expired, or deleted, as the {@linkplain Builder#batchLimit batch limit}) and at
 * most {@linkplain Builder#maxBatchesPerRun max batches per run} times, with a {@linkplain Builder#pauseBetweenBatches
 * pause} between batches: back-to-back deletes of a large backlog hold the database long enough to multiply the p99
 * of concurrent creates (measured on PostgreSQL by {@code benchmarks/SweepLatency}: 2.4× without pauses, 1.5× with).
 *
 * <p>Run one on every node: the engine publishes each session's end once however many nodes sweep at once. The
 * first run waits a random part of the interval, so that nodes started together do not sweep in step. A failed run
 * is logged (the exception's class and message) and the next one runs as scheduled. Runs are timed by the JVM's
 * monotonic timer, not by the engine's {@link java.time.Clock}, which only decides what has expired.
 *
 * <pre>{@code
 * Sweeper sweeper = Sweeper.builder(handoff).interval(Duration.ofMinutes(1)).build().start();
 * // at shutdown:
 * sweeper.close();
 * }</pre>
 *
 * <p>Thread-safe. It runs on one daemon thread of its own, {@code handoff-sweeper}, which never keeps the JVM alive.
 */
public final class Sweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Sweeper.class);
  /** How long {@link #close()} waits for a batch in progress. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final Handoff handoff;
  private final Duration interval;
  private final int batchLimit;
  private final int maxBatchesPerRun;
  private final Duration pause;
  /** Guarded by {@code this}: null until {@link #start()}. */
  private ScheduledExecutorService executor;
  /** Set by {@link #close()}; a run in progress stops after its current batch. */
  private volatile boolean closed;

  private Sweeper(Builder b) {
    this.handoff = b.handoff;
    this.interval = b.interval;
    this.batchLimit = b.batchLimit;
    this.maxBatchesPerRun = b.maxBatchesPerRun;
    this.pause = b.pause;
  }

  /** A builder for a sweeper of {@code handoff}'s sessions. */
  public static Builder builder(Handoff handoff) {
    return new Builder(handoff);
  }

  /**
   * Starts sweeping every interval, after a random first delay shorter than the interval.
   *
   * @return this sweeper
   * @throws IllegalStateException if it was started or closed before
   */
  public synchronized Sweeper start() {
    if (executor != null || closed) {
      throw new IllegalStateException("a sweeper starts once");
    }
    executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      var thread = new Thread(runnable, "handoff-sweeper");
      thread.setDaemon(true);
      return thread;
    });
    long intervalNanos = interval.toNanos();
    executor.scheduleWithFixedDelay(this::runLogged, ThreadLocalRandom.current().nextLong(intervalNanos),
        intervalNanos, TimeUnit.NANOSECONDS);
    return this;
  }

  /**
   * One run, now, on the calling thread: {@link Handoff#sweep} with the batch limit, again while a batch comes back
   * full, at most the configured number of batches (fewer once the sweeper is closed).
   *
   * @return what the run did, summed over its batches
   * @throws dev.handoff.spi.HandoffException as {@link Handoff#sweep} does, e.g. when the store is unavailable;
   *     batches before the failure took effect
   */
  public SweepResult runOnce() {
    int expired = 0;
    int abandoned = 0;
    int deleted = 0;
    for (int batch = 0; batch < maxBatchesPerRun; batch++) {
      SweepResult result = handoff.sweep(batchLimit);
      expired += result.expired();
      abandoned += result.abandoned();
      deleted += result.deleted();
      boolean full = result.expired() >= batchLimit || result.deleted() >= batchLimit;
      if (!full || closed || !pause()) {
        break;
      }
    }
    return new SweepResult(expired, abandoned, deleted);
  }

  /** Waits the pause between batches; false if interrupted (the run then stops, keeping the interrupt). */
  private boolean pause() {
    if (pause.isZero()) {
      return true;
    }
    try {
      Thread.sleep(pause.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void runLogged() {
    try {
      SweepResult result = runOnce();
      if (result.expired() > 0 || result.deleted() > 0) {
        log.debug("swept sessions: {} expired ({} abandoned), {} deleted", result.expired(), result.abandoned(),
            result.deleted());
      }
    } catch (RuntimeException e) {
      // Caught so that the schedule goes on: an exception would cancel every later run. No stack trace: the class
      // and message say what failed, and the next run retries.
      log.warn("sweeping sessions failed ({}: {}); the next run is in {}", e.getClass().getName(), e.getMessage(),
          interval);
    }
  }

  /**
   * Stops the schedule, if started: a run in progress stops after its current batch, which this waits for (10
   * seconds at most). Idempotent.
   */
  @Override
  public void close() {
    ScheduledExecutorService running;
    synchronized (this) {
      closed = true;
      running = executor;
    }
    if (running == null) {
      return;
    }
    running.shutdown();
    try {
      running.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "Sweeper[interval=" + interval + ", batchLimit=" + batchLimit + ", maxBatchesPerRun=" + maxBatchesPerRun
        + ", pauseBetweenBatches=" + pause + "]";
  }

  /**
   * Configures a {@link Sweeper}. Setters check their argument at once and throw {@link IllegalArgumentException}
   * or {@link NullPointerException} with the reason. Not thread-safe.
   */
  public static final class Builder {
    private final Handoff handoff;
    private Duration interval = Duration.ofMinutes(1);
    // Batches of 50 keep concurrent creates' p99 within 2x while a backlog is swept (SweepLatency on PostgreSQL:
    // 1.1-1.4x; 100 gave 2.1-2.4x, 500 2.7x); 1,000 of them still sweep up to 50,000 sessions a run.
    private int batchLimit = 50;
    private int maxBatchesPerRun = 1_000;
    private Duration pause = Duration.ofMillis(20);

    private Builder(Handoff handoff) {
      this.handoff = Objects.requireNonNull(handoff, "handoff");
    }

    /** The time between the end of one run and the start of the next, at least 10 ms; one minute by default. */
    public Builder interval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofMillis(10)) < 0) {
        throw new IllegalArgumentException("interval must be at least 10 ms, got " + interval);
      }
      this.interval = interval;
      return this;
    }

    /** The {@code limit} of each {@link Handoff#sweep} call, at least 1; 50 by default. */
    public Builder batchLimit(int batchLimit) {
      if (batchLimit < 1) {
        throw new IllegalArgumentException("batchLimit must be at least 1, got " + batchLimit);
      }
      this.batchLimit = batchLimit;
      return this;
    }

    /** The most {@link Handoff#sweep} calls in one run, bounding how long a run takes, at least 1; 1,000 by default. */
    public Builder maxBatchesPerRun(int maxBatchesPerRun) {
      if (maxBatchesPerRun < 1) {
        throw new IllegalArgumentException("maxBatchesPerRun must be at least 1, got " + maxBatchesPerRun);
      }
      this.maxBatchesPerRun = maxBatchesPerRun;
      return this;
    }

    /**
     * How long a run waits between two batches, so that the database serves other work meanwhile; 0 to 1 second,
     * 20 ms by default.
     */
    public Builder pauseBetweenBatches(Duration pause) {
      Objects.requireNonNull(pause, "pause");
      if (pause.isNegative() || pause.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new IllegalArgumentException("pauseBetweenBatches must be 0 to 1 second, got " + pause);
      }
      this.pause = pause;
      return this;
    }

    /** A sweeper with this configuration, not started yet: call {@link Sweeper#start()}. */
    public Sweeper build() {
      return new Sweeper(this);
    }
  }
}
