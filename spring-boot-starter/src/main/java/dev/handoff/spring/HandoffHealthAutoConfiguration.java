package dev.handoff.spring;

import dev.handoff.KeyRing;
import dev.handoff.spi.SessionStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Contributes {@link HandoffHealthIndicator} as {@code handoff} when Spring Boot's health support is present;
 * {@code management.health.handoff.enabled=false} turns it off.
 */
@AutoConfiguration(after = HandoffAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(SessionStore.class)
@ConditionalOnEnabledHealthIndicator("handoff")
public class HandoffHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "handoffHealthIndicator")
  HandoffHealthIndicator handoffHealthIndicator(SessionStore store, ObjectProvider<KeyRing> keys,
      HandoffProperties properties) {
    return new HandoffHealthIndicator(store, keys.getIfUnique(), properties.getHealth().getTimeout());
  }
}
