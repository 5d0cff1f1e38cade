package dev.handoff.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link HandoffConfigurationException} at start-up as Spring Boot reports its own configuration errors:
 * what is wrong, then the action that fixes it. Registered in {@code META-INF/spring.factories}. Stateless and
 * thread-safe.
 */
public class HandoffConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<HandoffConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, HandoffConfigurationException cause) {
    return new FailureAnalysis(cause.description(), cause.action(), cause);
  }
}
