package dev.handoff.spring;

import dev.handoff.Operation;
import dev.handoff.OperationObserver;
import dev.handoff.SessionEvent;
import dev.handoff.SessionListener;
import dev.handoff.spi.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micrometer meters of a Handoff engine:
 *
 * <ul>
 *   <li>{@value #OPERATIONS}, a timer per public operation, tagged {@code operation} ({@code create},
 *       {@code redeem}, {@code authenticate}, {@code start_login}, {@code verify_login}, {@code complete}, ...),
 *       {@code outcome} ({@code success}, {@code error} for a {@link dev.handoff.spi.HandoffException},
 *       {@code unexpected} for any other exception) and {@code error} (the {@link ErrorCode}, the unexpected
 *       exception's simple class name, or {@code none});
 *   <li>{@value #EVENTS}, a counter per {@link SessionEvent.Type}, tagged {@code type} ({@code created},
 *       {@code redeemed}, {@code signed_in}, {@code completed}, ...), and {@code tenant} only if
 *       {@code handoff.metrics.tenant-tag} is on.
 * </ul>
 *
 * <p>No tag carries a session or user id; the operation timers cannot carry a tenant either (the engine does not
 * tell its observer). Register it with {@code Handoff.Builder.operationObserver} and {@code listener}; the starter
 * does. Thread-safe.
 */
public class HandoffMetrics implements OperationObserver, SessionListener {
  /** The name of the operation timers. */
  public static final String OPERATIONS = "handoff.operations";
  /** The name of the event counters. */
  public static final String EVENTS = "handoff.events";

  private final MeterRegistry registry;
  private final boolean tenantTag;
  private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
  private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

  /**
   * @param registry where the meters are registered
   * @param tenantTag whether event counters carry the tenant as a tag (a time series per tenant)
   */
  public HandoffMetrics(MeterRegistry registry, boolean tenantTag) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.tenantTag = tenantTag;
  }

  @Override
  public void onOperation(Operation operation, Duration elapsed, ErrorCode error,
      Class<? extends Throwable> unexpected) {
    String outcome = error != null ? "error" : unexpected != null ? "unexpected" : "success";
    String reason = error != null ? error.name() : unexpected != null ? unexpected.getSimpleName() : "none";
    timers.computeIfAbsent(new TimerKey(operation, outcome, reason), k -> Timer.builder(OPERATIONS)
        .description("Handoff engine operations: how long they take and how they end")
        .tag("operation", lower(k.operation().name())).tag("outcome", k.outcome()).tag("error", k.error())
        .register(registry)).record(elapsed);
  }

  @Override
  public void onEvent(SessionEvent event) {
    String tenant = tenantTag ? event.session().tenant() : null;
    counters.computeIfAbsent(new CounterKey(event.type(), tenant), k -> {
      Counter.Builder counter = Counter.builder(EVENTS).description("Handoff session events")
          .tag("type", lower(k.type().name()));
      if (k.tenant() != null) {
        counter.tag("tenant", k.tenant());
      }
      return counter.register(registry);
    }).increment();
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private record TimerKey(Operation operation, String outcome, String error) {}

  private record CounterKey(SessionEvent.Type type, String tenant) {}
}
