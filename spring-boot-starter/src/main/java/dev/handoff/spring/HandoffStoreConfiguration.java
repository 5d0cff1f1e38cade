package dev.handoff.spring;

import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStore;
import dev.handoff.storage.jdbc.JdbcSessionStore;
import dev.handoff.storage.memory.CaffeineSessionStore;
import dev.handoff.storage.redis.RedisSessionStore;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The {@link SessionStore}: Redis when a Redis URL is set, else JDBC when the application has a {@link DataSource},
 * else in memory.
 */
final class HandoffStoreConfiguration {
  private HandoffStoreConfiguration() {}

  /** Matches when {@code handoff.redis.url} or {@code handoff.redis.cluster-urls} is set. */
  static class RedisUrlSet extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Binder binder = Binder.get(context.getEnvironment());
      boolean url = binder.bind("handoff.redis.url", String.class).map(u -> !u.isBlank()).orElse(false);
      boolean cluster = binder.bind("handoff.redis.cluster-urls", Bindable.listOf(String.class))
          .map(l -> !l.isEmpty()).orElse(false);
      return url || cluster ? ConditionOutcome.match("a Redis URL is set")
          : ConditionOutcome.noMatch("neither handoff.redis.url nor handoff.redis.cluster-urls is set");
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.handoff.storage.redis.RedisSessionStore")
  @Conditional(RedisUrlSet.class)
  @ConditionalOnMissingBean(SessionStore.class)
  static class Redis {

    @Bean(destroyMethod = "close")
    RedisSessionStore handoffSessionStore(HandoffProperties properties) {
      HandoffProperties.Redis redis = properties.getRedis();
      if (redis.getUrl() != null && !redis.getUrl().isBlank() && !redis.getClusterUrls().isEmpty()) {
        throw new HandoffConfigurationException("Both handoff.redis.url and handoff.redis.cluster-urls are set.",
            "Set handoff.redis.url for a standalone server or handoff.redis.cluster-urls for a cluster, not both.");
      }
      RedisSessionStore.Builder builder = RedisSessionStore.builder();
      try {
        if (redis.getClusterUrls().isEmpty()) {
          builder.uri(redis.getUrl());
        } else {
          builder.clusterUris(redis.getClusterUrls());
        }
        builder.keyPrefix(redis.getKeyPrefix()).commandTimeout(redis.getCommandTimeout())
            .connectTimeout(redis.getConnectTimeout());
        if (properties.getRetention() != null) {
          builder.retention(properties.getRetention());
        }
      } catch (IllegalArgumentException e) {
        throw new HandoffConfigurationException("handoff.redis.* is invalid: " + e.getMessage() + ".",
            "Fix the handoff.redis property it names (URLs as redis://host:port).", e);
      }
      try {
        return builder.build();
      } catch (HandoffException e) {
        throw new HandoffConfigurationException("The Redis store cannot start: " + e.getMessage() + ".",
            "Start Redis or fix handoff.redis.url / handoff.redis.cluster-urls (Redis 7.0 or later, or Valkey).", e);
      }
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnSingleCandidate(DataSource.class)
  @ConditionalOnMissingBean(SessionStore.class)
  static class Jdbc {

    @Bean
    JdbcSessionStore handoffSessionStore(DataSource dataSource, HandoffProperties properties) {
      HandoffProperties.Jdbc jdbc = properties.getJdbc();
      JdbcSessionStore.Builder builder = JdbcSessionStore.builder(dataSource);
      try {
        builder.tablePrefix(jdbc.getTablePrefix()).deleteBatchSize(jdbc.getDeleteBatchSize())
            .statementTimeout(jdbc.getStatementTimeout()).maxSessionBytes(jdbc.getMaxSessionBytes());
      } catch (IllegalArgumentException e) {
        throw new HandoffConfigurationException("handoff.jdbc.* is invalid: " + e.getMessage() + ".",
            "Fix the handoff.jdbc property it names.", e);
      }
      if (jdbc.getInitializeSchema() == HandoffProperties.SchemaInitialization.ALWAYS) {
        builder.createSchemaIfMissing();
      }
      return builder.build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(SessionStore.class)
  static class Memory {
    private static final Logger log = LoggerFactory.getLogger(HandoffAutoConfiguration.class);

    @Bean
    CaffeineSessionStore handoffSessionStore(HandoffProperties properties) {
      log.warn("Handoff keeps sessions in memory: they live in this JVM only, so run a single node and expect them "
          + "to vanish on restart. Add a DataSource (JDBC store) or define a SessionStore bean to share them.");
      try {
        CaffeineSessionStore.Builder builder = CaffeineSessionStore.builder()
            .maximumSize(properties.getMemory().getMaximumSize());
        if (properties.getRetention() != null) {
          builder.retention(properties.getRetention());
        }
        if (properties.getMemory().getMaximumSessionsPerTenant() != null) {
          builder.maximumSessionsPerTenant(properties.getMemory().getMaximumSessionsPerTenant());
        }
        return builder.build();
      } catch (IllegalArgumentException e) {
        throw new HandoffConfigurationException("The in-memory store cannot be built: " + e.getMessage() + ".",
            "Fix handoff.memory.* or handoff.retention.", e);
      }
    }
  }
}
