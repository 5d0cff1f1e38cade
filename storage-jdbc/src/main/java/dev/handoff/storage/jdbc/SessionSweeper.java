package dev.handoff.storage.jdbc;

import dev.handoff.spi.SessionStore;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Deletes expired sessions in the background: every {@linkplain Builder#interval interval} it calls
 * {@link SessionStore#deleteExpired} for sessions that expired more than the {@linkplain Builder#retention
 * retention} ago, batch after batch with a {@linkplain Builder#pause pause} between two, until a batch comes back
 * short or the per-run cap is reached.
 *
 * <p>It talks to the store only, past the engine: sessions it deletes end without their
 * {@code EXPIRED}/{@code ABANDONED} events, and sessions that ran out are never marked expired. An application
 * with a {@code Handoff} engine should run the engine's sweeper instead, {@code dev.handoff.Sweeper} (module
 * handoff-core), which marks and publishes the end of every session exactly once across nodes before deleting it;
 * this one suits a process that holds a store but no engine.
 *
 * <p>Run one on every node: {@link JdbcSessionStore#deleteExpired} is safe to call from all of them at once. The
 * first run is delayed by a random part of the interval so that nodes started together do not sweep in step.
 * A failing run is logged (through {@link System.Logger}) and the next run happens as scheduled.
 *
 * <pre>{@code
 * SessionSweeper sweeper = SessionSweeper.builder(store).retention(Duration.ofDays(1)).build().start();
 * // at shutdown:
 * sweeper.close();
 * }</pre>
 *
 * <p>Works with any {@link SessionStore}. Thread-safe; {@link #close()} stops it.
 */
public final class SessionSweeper implements AutoCloseable {
  /**
   * The default pause between two batches of a run. Batch after batch, a sweep of 100,000 expired rows on
   * PostgreSQL raised the p99 of concurrent creates 11-fold (3.5 ms against 0.32 ms): a create that meets a batch
   * waits for it. Batches of {@value #DEFAULT_BATCH_LIMIT} rows with this pause keep the database busy with the
   * sweep a tenth of the time; the p99 rose 1.2 to 1.3-fold, and the sweep deletes about 4,500 rows a second
   * (benchmarks/README.md, SweepLatency).
   */
  public static final Duration DEFAULT_PAUSE = Duration.ofMillis(20);
  /** The default {@code limit} of each {@code deleteExpired} call: short batches, short waits for others. */
  public static final int DEFAULT_BATCH_LIMIT = 100;

  private static final System.Logger LOG = System.getLogger(SessionSweeper.class.getName());

  private final SessionStore store;
  private final Duration retention;
  private final int batchLimit;
  private final int maxBatchesPerRun;
  private final Duration pause;
  private final Clock clock;
  private final Duration interval;
  /** Guarded by {@code this}: null until {@link #start()}. */
  private ScheduledExecutorService executor;
  private boolean closed;

  private SessionSweeper(Builder b) {
    this.store = b.store;
    this.retention = b.retention;
    this.batchLimit = b.batchLimit;
    this.maxBatchesPerRun = b.maxBatchesPerRun;
    this.pause = b.pause;
    this.clock = b.clock;
    this.interval = b.interval;
  }

  /**
   * Starts sweeping every interval on a daemon thread of its own.
   *
   * @return this sweeper
   * @throws IllegalStateException if it was started or closed before
   */
  public synchronized SessionSweeper start() {
    if (executor != null || closed) {
      throw new IllegalStateException("a sweeper starts once");
    }
    executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      var thread = new Thread(runnable, "handoff-session-sweeper");
      thread.setDaemon(true); // never keeps the JVM alive
      return thread;
    });
    long intervalNanos = interval.toNanos();
    long initialDelay = ThreadLocalRandom.current().nextLong(intervalNanos);
    executor.scheduleWithFixedDelay(this::runLogged, initialDelay, intervalNanos, TimeUnit.NANOSECONDS);
    return this;
  }

  /** A builder for a sweeper of {@code store}. */
  public static Builder builder(SessionStore store) {
    return new Builder(store);
  }

  /**
   * Runs one sweep now, on the calling thread: deletes sessions that expired before {@code now - retention},
   * in batches of the configured limit, at most the configured number of batches, with the configured pause
   * between two batches. An interrupt during a pause ends the run (the thread stays interrupted).
   *
   * @return how many sessions were deleted
   * @throws dev.handoff.spi.HandoffException if the store fails
   */
  public int sweepOnce() {
    Instant cutoff = clock.instant().minus(retention);
    int total = 0;
    for (int batch = 0; batch < maxBatchesPerRun; batch++) {
      if (batch > 0 && !pauseBetweenBatches()) {
        break;
      }
      int deleted = store.deleteExpired(cutoff, batchLimit);
      total += deleted;
      if (deleted < batchLimit) {
        break;
      }
    }
    return total;
  }

  /** Waits the pause; {@code false} if interrupted meanwhile. */
  private boolean pauseBetweenBatches() {
    if (pause.isZero()) {
      return true;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(pause.toNanos());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void runLogged() {
    try {
      int deleted = sweepOnce();
      if (deleted > 0) {
        LOG.log(Level.DEBUG, "deleted {0} expired sessions", deleted);
      }
    } catch (RuntimeException e) {
      // Keep the schedule alive: an exception would cancel every later run.
      LOG.log(Level.WARNING, "sweeping expired sessions failed; will retry at the next interval", e);
    }
  }

  /** Stops the schedule, if started; a sweep in progress finishes its current batch. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    if (executor != null) {
      executor.shutdown();
    }
  }

  /**
   * Configures a {@link SessionSweeper}. Setters validate their argument at once and throw
   * {@link IllegalArgumentException} or {@link NullPointerException} with the reason.
   *
   * <p>Not thread-safe; use one builder per thread.
   */
  public static final class Builder {
    private final SessionStore store;
    private Duration interval = Duration.ofMinutes(1);
    private Duration retention = Duration.ofDays(1);
    private int batchLimit = DEFAULT_BATCH_LIMIT;
    private int maxBatchesPerRun = 500;
    private Duration pause = DEFAULT_PAUSE;
    private Clock clock = Clock.systemUTC();

    private Builder(SessionStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /** How long to wait between the end of one run and the start of the next. Default one minute. */
    public Builder interval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofMillis(10)) < 0) {
        throw new IllegalArgumentException("interval must be at least 10 ms, got " + interval);
      }
      this.interval = interval;
      return this;
    }

    /**
     * How long an expired session is kept before it is deleted, so the engine can still report it as expired
     * rather than unknown. Default one day.
     */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.isNegative()) {
        throw new IllegalArgumentException("retention must not be negative, got " + retention);
      }
      this.retention = retention;
      return this;
    }

    /** The {@code limit} of each {@code deleteExpired} call. Default {@value #DEFAULT_BATCH_LIMIT}. */
    public Builder batchLimit(int batchLimit) {
      if (batchLimit < 1) {
        throw new IllegalArgumentException("batchLimit must be at least 1, got " + batchLimit);
      }
      this.batchLimit = batchLimit;
      return this;
    }

    /**
     * The most {@code deleteExpired} calls in one run, bounding how long a run takes. Default 500: with the default
     * batch limit and pause, up to 50,000 sessions in a run of about 11 seconds.
     */
    public Builder maxBatchesPerRun(int maxBatchesPerRun) {
      if (maxBatchesPerRun < 1) {
        throw new IllegalArgumentException("maxBatchesPerRun must be at least 1, got " + maxBatchesPerRun);
      }
      this.maxBatchesPerRun = maxBatchesPerRun;
      return this;
    }

    /**
     * How long to wait between two batches of one run, so that a long sweep leaves the database room for the
     * requests it serves meanwhile. Default {@link #DEFAULT_PAUSE}; zero sweeps batch after batch.
     *
     * @param pause zero to one minute
     */
    public Builder pause(Duration pause) {
      Objects.requireNonNull(pause, "pause");
      if (pause.isNegative() || pause.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("pause must be between 0 and 1 minute, got " + pause);
      }
      this.pause = pause;
      return this;
    }

    /** The clock that tells when sessions expired. Default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** A sweeper with this configuration, not started yet: call {@link SessionSweeper#start()}. */
    public SessionSweeper build() {
      return new SessionSweeper(this);
    }
  }
}
