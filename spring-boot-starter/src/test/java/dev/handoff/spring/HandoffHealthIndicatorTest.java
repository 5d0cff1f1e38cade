package dev.handoff.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.KeyRing;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStore;
import dev.handoff.storage.memory.CaffeineSessionStore;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class HandoffHealthIndicatorTest {

  @Test
  void upWithTheActiveKidWhenTheStoreAnswers() {
    KeyRing ring = KeyRing.builder().masterSecret("old", new byte[32]).masterSecret("new", new byte[32])
        .activeKid("new").build();
    Health health = new HandoffHealthIndicator(CaffeineSessionStore.builder().build(), ring, Duration.ofSeconds(5))
        .health(true);
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsEntry("activeKid", "new").containsEntry("keys", 2)
        .containsEntry("generatedKey", false).containsEntry("store", "CaffeineSessionStore");
  }

  @Test
  void downWhenTheStoreFails() {
    SessionStore failing = store((proxy, method, args) -> {
      throw new HandoffException(ErrorCode.STORAGE_UNAVAILABLE, "database down");
    });
    Health health = new HandoffHealthIndicator(failing, null, Duration.ofSeconds(5)).health(true);
    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails().get("error").toString()).contains("database down");
  }

  @Test
  void downWhenTheStoreDoesNotAnswerWithinTheBound() {
    CountDownLatch never = new CountDownLatch(1);
    SessionStore hung = store((proxy, method, args) -> {
      never.await();
      return null;
    });
    long start = System.nanoTime();
    Health health = new HandoffHealthIndicator(hung, null, Duration.ofMillis(200)).health(true);
    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails().get("error").toString()).contains("did not answer within PT0.2S");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    never.countDown();
  }

  @Test
  void contributedAsHandoffUnlessTurnedOffOrReplaced() {
    ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HandoffAutoConfiguration.class,
            HandoffHealthAutoConfiguration.class))
        .withUserConfiguration(TestApplicationBeans.Users.class, TestApplicationBeans.Intents.class,
            TestApplicationBeans.Codes.class)
        .withPropertyValues("handoff.keys.master-secrets.k1=" + HandoffAutoConfigurationTest.SECRET,
            "handoff.web.public-url=https://connect.example.com", "handoff.sweeper.enabled=false");
    runner.run(context -> {
      assertThat(context).hasBean("handoffHealthIndicator");
      Health health = context.getBean(HandoffHealthIndicator.class).health(true);
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("activeKid", "k1");
    });
    runner.withPropertyValues("management.health.handoff.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(HandoffHealthIndicator.class));
    HandoffHealthIndicator mine = new HandoffHealthIndicator(CaffeineSessionStore.builder().build(), null,
        Duration.ofSeconds(1));
    runner.withBean("handoffHealthIndicator", HandoffHealthIndicator.class, () -> mine)
        .run(context -> assertThat(context.getBean(HandoffHealthIndicator.class)).isSameAs(mine));
  }

  private static SessionStore store(java.lang.reflect.InvocationHandler handler) {
    return (SessionStore) Proxy.newProxyInstance(SessionStore.class.getClassLoader(),
        new Class<?>[] {SessionStore.class}, handler);
  }
}
