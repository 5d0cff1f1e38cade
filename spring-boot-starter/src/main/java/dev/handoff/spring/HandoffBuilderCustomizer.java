package dev.handoff.spring;

import dev.handoff.Handoff;

/**
 * Adjusts the {@link Handoff.Builder} of the auto-configured engine after the starter applied {@code handoff.*},
 * e.g. to set a {@link java.time.Clock}. Each builder property may be set once, so a customizer sets only what the
 * starter leaves unset (the clock, more listeners) or what no property was given for. Beans of this type are applied
 * in {@link org.springframework.core.annotation.Order} order; implementations need not be thread-safe.
 */
@FunctionalInterface
public interface HandoffBuilderCustomizer {
  void customize(Handoff.Builder builder);
}
