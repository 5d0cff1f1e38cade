package dev.handoff.spring;

import java.util.Objects;

/**
 * Start-up failed because Handoff is not configured well enough to run: a bean or a property is missing or
 * invalid. {@link HandoffConfigurationFailureAnalyzer} turns it into Spring Boot's "APPLICATION FAILED TO START"
 * report, with {@link #description()} and {@link #action()}. Never carries key material. Immutable.
 */
public class HandoffConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String description;
  private final String action;

  /**
   * @param description what is wrong, naming the property or bean
   * @param action how to fix it
   */
  public HandoffConfigurationException(String description, String action) {
    this(description, action, null);
  }

  /**
   * @param description what is wrong, naming the property or bean
   * @param action how to fix it
   * @param cause the underlying failure, or {@code null}
   */
  public HandoffConfigurationException(String description, String action, Throwable cause) {
    super(description + " " + action, cause);
    this.description = Objects.requireNonNull(description, "description");
    this.action = Objects.requireNonNull(action, "action");
  }

  /** What is wrong, naming the property or bean. */
  public String description() {
    return description;
  }

  /** How to fix it. */
  public String action() {
    return action;
  }
}
