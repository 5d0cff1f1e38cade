package dev.handoff.spring;

import dev.handoff.KeyRing;
import dev.handoff.spi.SessionStore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of Handoff, contributed as {@code handoff}: UP when the store answers a lookup within the configured bound
 * ({@code handoff.health.timeout}), with the key ring's active kid, number of keys and whether the key was generated
 * (development only). The probe looks up a session that does not exist, so it writes nothing; it runs on a thread of
 * its own, so a hung store cannot hang the health endpoint. The key details are those of the ring the engine was
 * built with (the {@code KeyRing} bean); after {@code Handoff.rotateKeys}, replace this bean to report the new one.
 * Thread-safe.
 */
public class HandoffHealthIndicator extends AbstractHealthIndicator {
  static final String PROBE_TENANT = "handoff-health";
  static final String PROBE_ID = "probe";

  private final SessionStore store;
  private final KeyRing keys;
  private final Duration timeout;

  /**
   * @param store the store to probe
   * @param keys the engine's key ring, or {@code null} if the application built its engine without a ring bean
   * @param timeout how long the probe may take
   */
  public HandoffHealthIndicator(SessionStore store, KeyRing keys, Duration timeout) {
    super("Handoff health check failed");
    this.store = Objects.requireNonNull(store, "store");
    this.keys = keys;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  @Override
  protected void doHealthCheck(Health.Builder health) throws Exception {
    if (keys != null) {
      health.withDetail("activeKid", keys.kid()).withDetail("keys", keys.kids().size())
          .withDetail("generatedKey", keys.isGenerated());
    }
    health.withDetail("store", store.getClass().getSimpleName());
    long start = System.nanoTime();
    CompletableFuture<?> probe = CompletableFuture.supplyAsync(() -> store.find(PROBE_TENANT, PROBE_ID), task -> {
      Thread thread = new Thread(task, "handoff-health-probe");
      thread.setDaemon(true);
      thread.start();
    });
    try {
      probe.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      health.down().withDetail("error", "the store did not answer within " + timeout);
      return;
    } catch (ExecutionException e) {
      health.down(e.getCause());
      return;
    }
    health.up().withDetail("storeLatencyMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }
}
