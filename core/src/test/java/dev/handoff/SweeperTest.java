package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.SessionEvent.Type;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The background sweeper: runs the engine's sweep, so every end is published, and survives a failing store. */
class SweeperTest {
  private static final Duration AWAIT = Duration.ofSeconds(10);

  private final TestEngines t = new TestEngines();
  private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

  private List<Type> eventsOf(String id) {
    return events.stream().filter(e -> e.session().id().equals(id)).map(SessionEvent::type).toList();
  }

  private List<String> createExpiringIn5Minutes(Handoff engine, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(engine.create(checkout("p1").ttl("5m").build()).session().id());
    }
    return ids;
  }

  @Test
  void aRunSweepsBatchAfterBatchWhileTheyComeBackFullUpToItsCap() {
    Handoff engine = t.builder().retention(Duration.ofMinutes(1)).listener(events::add).build();
    List<String> ids = createExpiringIn5Minutes(engine, 5);
    t.clock.advance(Duration.ofMinutes(5));

    Sweeper capped = Sweeper.builder(engine).batchLimit(2).maxBatchesPerRun(2).build();
    assertThat(capped.runOnce()).isEqualTo(new SweepResult(4, 0, 0));
    Sweeper sweeper = Sweeper.builder(engine).batchLimit(2).maxBatchesPerRun(10).build();
    assertThat(sweeper.runOnce()).isEqualTo(new SweepResult(1, 0, 0)); // a short batch ends the run
    assertThat(sweeper.runOnce()).isEqualTo(new SweepResult(0, 0, 0));
    for (String id : ids) {
      assertThat(eventsOf(id)).containsExactly(Type.CREATED, Type.EXPIRED);
    }

    t.clock.advance(Duration.ofMinutes(2)); // past the retention: deleted, two at a time, in one run
    assertThat(sweeper.runOnce()).isEqualTo(new SweepResult(0, 0, 5));
    assertThat(engine.list("p1", null, 10).sessions()).isEmpty();
  }

  @Test
  void publishesTheEndOfSessionsOnItsOwnDaemonThreadUntilClosed() throws InterruptedException {
    AtomicReference<Thread> sweeping = new AtomicReference<>();
    Handoff engine = t.builder().listener(events::add).listener(e -> {
      if (e.type() == Type.EXPIRED) {
        sweeping.set(Thread.currentThread());
      }
    }).build();
    t.users.add("p1", "usr_1", "ann@example.com");
    String neverOpened = engine.create(checkout("p1").ttl("5m").build()).session().id();
    var redeemed = engine.create(checkout("p1").user("usr_1").activeLifetime("5m").build());
    engine.redeem(redeemed.token().orElseThrow());
    String abandoned = redeemed.session().id();
    String live = engine.create(checkout("p1").ttl("1h").build()).session().id();
    t.clock.advance(Duration.ofMinutes(5));

    Sweeper sweeper = Sweeper.builder(engine).interval(Duration.ofMillis(10)).batchLimit(1).build().start();
    try {
      assertThatThrownBy(sweeper::start).isInstanceOf(IllegalStateException.class);
      Eventually.holds(AWAIT, () -> eventsOf(abandoned).contains(Type.ABANDONED)
          && eventsOf(neverOpened).contains(Type.EXPIRED));
    } finally {
      sweeper.close();
    }

    assertThat(eventsOf(neverOpened)).containsExactly(Type.CREATED, Type.EXPIRED);
    assertThat(eventsOf(abandoned)).containsExactly(Type.CREATED, Type.REDEEMED, Type.EXPIRED, Type.ABANDONED);
    assertThat(eventsOf(live)).containsExactly(Type.CREATED);
    Thread thread = sweeping.get();
    assertThat(thread.getName()).isEqualTo("handoff-sweeper");
    assertThat(thread.isDaemon()).isTrue();
    thread.join(AWAIT.toMillis());
    assertThat(thread.isAlive()).as("the sweeper's thread ends once it is closed").isFalse();
    assertThatThrownBy(sweeper::start).isInstanceOf(IllegalStateException.class);
    sweeper.close(); // idempotent
  }

  @Test
  void aFailingStoreIsLoggedByClassAndMessageAndTheNextRunGoesOn() {
    AtomicInteger failuresLeft = new AtomicInteger(3);
    Handoff engine = t.builder(failingListEnded(t.store, failuresLeft)).listener(events::add).build();
    String id = createExpiringIn5Minutes(engine, 1).get(0);
    t.clock.advance(Duration.ofMinutes(5));

    try (Sweeper sweeper = Sweeper.builder(engine).interval(Duration.ofMillis(10)).build().start()) {
      Eventually.holds(AWAIT, () -> eventsOf(id).contains(Type.EXPIRED));
    }

    assertThat(failuresLeft).hasValue(0);
    assertThat(eventsOf(id)).containsExactly(Type.CREATED, Type.EXPIRED);
    List<String> warnings = CapturedLogs.lines().stream()
        .filter(l -> l.startsWith("WARN dev.handoff.Sweeper sweeping sessions failed")).toList();
    assertThat(warnings).hasSizeGreaterThanOrEqualTo(3).allSatisfy(line -> assertThat(line)
        .contains("(dev.handoff.spi.HandoffException: ", "sweep test fault", "the next run is in PT0.01S")
        .doesNotContain("\n"));
  }

  @Test
  void rejectsAConfigurationOutOfBounds() {
    Handoff engine = t.engine();
    assertThatThrownBy(() -> Sweeper.builder(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Sweeper.builder(engine).interval(Duration.ofMillis(9)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval");
    assertThatThrownBy(() -> Sweeper.builder(engine).batchLimit(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchLimit");
    assertThatThrownBy(() -> Sweeper.builder(engine).maxBatchesPerRun(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBatchesPerRun");
    assertThatThrownBy(() -> Sweeper.builder(engine).pauseBetweenBatches(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pauseBetweenBatches");
    assertThatThrownBy(() -> Sweeper.builder(engine).pauseBetweenBatches(Duration.ofMillis(1001)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pauseBetweenBatches");
    assertThat(Sweeper.builder(engine).build().toString()).contains("pauseBetweenBatches=PT0.02S");
    Sweeper closedBeforeStart = Sweeper.builder(engine).build();
    closedBeforeStart.close();
    assertThatThrownBy(closedBeforeStart::start).isInstanceOf(IllegalStateException.class);
  }

  /** The real store, whose {@code listEnded} fails with STORAGE_UNAVAILABLE while failures are left. */
  private static SessionStore failingListEnded(SessionStore store, AtomicInteger failuresLeft) {
    return (SessionStore) Proxy.newProxyInstance(SessionStore.class.getClassLoader(),
        new Class<?>[] {SessionStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("listEnded") && failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new HandoffException(ErrorCode.STORAGE_UNAVAILABLE, "sweep test fault");
          }
          try {
            return method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
