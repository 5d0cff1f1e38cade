package dev.handoff.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.SessionEvent;
import dev.handoff.SessionEvent.Type;
import dev.handoff.SessionListener;
import dev.handoff.Sweeper;
import dev.handoff.spi.SessionStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The auto-configured sweeper runs the engine's sweep: the end of a session reaches listeners and metrics once. */
class HandoffSweeperTest {
  private static final Duration AWAIT = Duration.ofSeconds(10);

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HandoffAutoConfiguration.class,
          HandoffMetricsAutoConfiguration.class))
      .withUserConfiguration(TestApplicationBeans.Users.class, TestApplicationBeans.Intents.class,
          TestApplicationBeans.Codes.class)
      .withPropertyValues("handoff.keys.master-secrets.k1=" + HandoffAutoConfigurationTest.SECRET,
          "handoff.web.public-url=https://connect.example.com", "handoff.sweeper.interval=20ms");

  @Test
  void anExpiredSessionIsPublishedOnceAndCounted() {
    MovableClock clock = new MovableClock(Instant.now());
    List<SessionEvent> events = new CopyOnWriteArrayList<>();
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withBean(SessionListener.class, () -> events::add)
        .withBean(HandoffBuilderCustomizer.class, () -> b -> b.clock(clock))
        .run(context -> {
          Handoff handoff = context.getBean(Handoff.class);
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          String id = handoff.create(CreateSessionRequest.builder("t1")
              .intent("checkoutNewSubscription", Map.of("plan", "pln_1")).ttl("1m").build()).session().id();
          clock.advance(Duration.ofMinutes(2));

          await(() -> events.stream().anyMatch(e -> e.type() == Type.EXPIRED));
          long sweepsSoFar = sweeps(registry);
          await(() -> sweeps(registry) >= sweepsSoFar + 3); // later sweeps find nothing more to publish
          context.getBean(Sweeper.class).close();

          assertThat(events).filteredOn(e -> e.session().id().equals(id)).extracting(SessionEvent::type)
              .containsExactly(Type.CREATED, Type.EXPIRED);
          assertThat(registry.get(HandoffMetrics.EVENTS).tag("type", "expired").counter().count()).isEqualTo(1);
          assertThat(handoff.get("t1", id).status()).isEqualTo(SessionStatus.EXPIRED);
        });
  }

  /** How many engine sweeps ran, by the operation timer. */
  private static long sweeps(MeterRegistry registry) {
    return registry.find(HandoffMetrics.OPERATIONS).tag("operation", "purge").timers().stream()
        .mapToLong(Timer::count).sum();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("still false after " + AWAIT).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  /** A clock the test moves forward. Thread-safe. */
  private static final class MovableClock extends Clock {
    private final AtomicReference<Instant> now;

    MovableClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
