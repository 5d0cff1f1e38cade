package dev.handoff.spring;

import dev.handoff.spi.SessionStore;
import dev.handoff.storage.jdbc.JdbcSessionStore;
import dev.handoff.storage.memory.CaffeineSessionStore;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@link SessionStore}: JDBC when the application has a {@link DataSource}, else in memory. */
final class HandoffStoreConfiguration {
  private HandoffStoreConfiguration() {}

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
