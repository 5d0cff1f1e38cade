package dev.handoff.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IssuedSession;
import dev.handoff.spi.SessionStore;
import dev.handoff.storage.redis.RedisSessionStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code handoff.redis.url} picks the Redis store, ahead of a DataSource; a bad setting fails the start with a
 * message naming the fix. Needs Redis on 127.0.0.1:6379 (skipped with the reason when absent, failed under
 * {@code HANDOFF_TEST_REDIS=required}).
 */
class HandoffRedisStoreTest {
  private static final String URL = System.getenv().getOrDefault("HANDOFF_TEST_REDIS_URL", "redis://127.0.0.1:6379");

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HandoffAutoConfiguration.class))
      .withUserConfiguration(TestApplicationBeans.Users.class, TestApplicationBeans.Intents.class,
          TestApplicationBeans.Codes.class)
      .withPropertyValues("handoff.keys.master-secrets.k1=" + HandoffAutoConfigurationTest.SECRET,
          "handoff.web.public-url=https://connect.example.com", "handoff.sweeper.enabled=false");

  private static void requireRedis() {
    RedisClient client = RedisClient.create(URL);
    try (var ignored = client.connect()) {
      // reachable
    } catch (RedisException e) {
      String reason = "Redis not reachable at " + URL + ": " + e.getMessage();
      if ("required".equals(System.getenv("HANDOFF_TEST_REDIS"))) {
        throw new AssertionError(reason, e);
      }
      Assumptions.abort(reason);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aRedisUrlPicksTheRedisStoreAheadOfADataSource() {
    requireRedis();
    String prefix = "handoff-spring:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withPropertyValues("handoff.redis.url=" + URL, "handoff.redis.key-prefix=" + prefix,
            "handoff.redis.command-timeout=3s", "spring.datasource.url=jdbc:h2:mem:redis-test")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(SessionStore.class)).isInstanceOf(RedisSessionStore.class);
          Handoff handoff = context.getBean(Handoff.class);
          IssuedSession issued = handoff.create(CreateSessionRequest.builder("t1")
              .intent("checkoutNewSubscription", Map.of("plan", "pln_1")).user("usr_1").build());
          assertThat(context.getBean(SessionStore.class).find("t1", issued.session().id())).isPresent();
          context.getBean(SessionStore.class).deleteExpired(issued.session().expiresAt().plusSeconds(1), 10);
        });
  }

  @Test
  void anUnreachableRedisFailsTheStartNamingTheFix() {
    runner.withPropertyValues("handoff.redis.url=redis://127.0.0.1:1", "handoff.redis.connect-timeout=500ms")
        .run(context -> {
          assertThat(context).hasFailed();
          Throwable t = context.getStartupFailure();
          while (t != null && !(t instanceof HandoffConfigurationException)) {
            t = t.getCause();
          }
          assertThat(t).isInstanceOf(HandoffConfigurationException.class);
          assertThat(((HandoffConfigurationException) t).action()).contains("handoff.redis.url");
        });
  }

  @Test
  void bothAUrlAndClusterUrlsAreRefused() {
    runner.withPropertyValues("handoff.redis.url=" + URL, "handoff.redis.cluster-urls=redis://127.0.0.1:7101")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(HandoffConfigurationException.class);
        });
  }

  @Test
  void withoutAUrlTheRedisStoreStaysOut() {
    runner.run(context -> assertThat(context.getBean(SessionStore.class)).isNotInstanceOf(RedisSessionStore.class));
  }
}
