package dev.handoff.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IssuedSession;
import dev.handoff.OperationObserver;
import dev.handoff.spi.HandoffException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class HandoffMetricsAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HandoffAutoConfiguration.class,
          HandoffMetricsAutoConfiguration.class))
      .withUserConfiguration(TestApplicationBeans.Users.class, TestApplicationBeans.Intents.class,
          TestApplicationBeans.Codes.class)
      .withPropertyValues("handoff.keys.master-secrets.k1=" + HandoffAutoConfigurationTest.SECRET,
          "handoff.web.public-url=https://connect.example.com", "handoff.sweeper.enabled=false");

  @Test
  void timesEachOperationByOutcomeAndErrorAndCountsEventsWithoutTenants() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      Handoff handoff = context.getBean(Handoff.class);
      IssuedSession issued = handoff.create(request());
      handoff.redeem(issued.token().orElseThrow());
      assertThatThrownBy(() -> handoff.redeem(issued.token().orElseThrow())).isInstanceOf(HandoffException.class);

      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(timer(registry, "create", "success", "none").count()).isEqualTo(1);
      assertThat(timer(registry, "redeem", "success", "none").count()).isEqualTo(1);
      assertThat(timer(registry, "redeem", "error", "INVALID_TOKEN").count()).isEqualTo(1);
      assertThat(registry.get(HandoffMetrics.EVENTS).tag("type", "created").counter().count()).isEqualTo(1);
      assertThat(registry.get(HandoffMetrics.EVENTS).tag("type", "redeemed").counter().count()).isEqualTo(1);
      assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("tenant")).isNull());
    });
  }

  @Test
  void tagsEventsWithTheTenantOnlyWhenAskedTo() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues("handoff.metrics.tenant-tag=true").run(context -> {
          context.getBean(Handoff.class).create(request());
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(registry.get(HandoffMetrics.EVENTS).tag("type", "created").tag("tenant", "t1").counter()
              .count()).isEqualTo(1);
        });
  }

  @Test
  void composesTheApplicationsObserversWithTheMetrics() {
    List<String> seen = new CopyOnWriteArrayList<>();
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withBean(OperationObserver.class, () -> (operation, elapsed, error, unexpected) -> seen.add(operation.name()))
        .run(context -> {
          context.getBean(Handoff.class).create(request());
          assertThat(seen).containsExactly("CREATE");
          assertThat(timer(context.getBean(MeterRegistry.class), "create", "success", "none").count()).isEqualTo(1);
        });
  }

  @Test
  void backsOffWithoutARegistryOrFromTheApplicationsMetrics() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HandoffMetrics.class));
    MeterRegistry own = new SimpleMeterRegistry();
    HandoffMetrics mine = new HandoffMetrics(own, false);
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withBean(HandoffMetrics.class, () -> mine)
        .run(context -> {
          assertThat(context.getBean(HandoffMetrics.class)).isSameAs(mine);
          context.getBean(Handoff.class).create(request());
          assertThat(timer(own, "create", "success", "none").count()).isEqualTo(1);
        });
  }

  private static CreateSessionRequest request() {
    return CreateSessionRequest.builder("t1").intent("checkoutNewSubscription", Map.of("plan", "pln_1"))
        .user("usr_1").build();
  }

  private static Timer timer(MeterRegistry registry, String operation, String outcome, String error) {
    return registry.get(HandoffMetrics.OPERATIONS).tag("operation", operation).tag("outcome", outcome)
        .tag("error", error).timer();
  }
}
