package dev.handoff.spring;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Records {@link HandoffMetrics} when the application has a Micrometer {@link MeterRegistry} (e.g. through
 * {@code spring-boot-starter-actuator}). The auto-configured engine picks the bean up as its operation observer and
 * as a session listener.
 */
@AutoConfiguration(before = HandoffAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public class HandoffMetricsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  HandoffMetrics handoffMetrics(MeterRegistry registry, HandoffProperties properties) {
    return new HandoffMetrics(registry, properties.getMetrics().isTenantTag());
  }
}
