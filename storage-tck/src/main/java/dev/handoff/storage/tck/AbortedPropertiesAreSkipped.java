package dev.handoff.storage.tck;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.FalsifiedSample;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.ShrunkFalsifiedSample;
import org.opentest4j.TestAbortedException;

/**
 * Reports a property as aborted (skipped), not as an error, when a JUnit assumption fails before it runs, e.g.
 * in a {@code @BeforeProperty} method that finds the database unreachable: JUnit skips the class's other tests
 * in that case, and jqwik would otherwise count the properties as errors. Stateless.
 */
public final class AbortedPropertiesAreSkipped implements AroundPropertyHook {
  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    try {
      return property.execute();
    } catch (TestAbortedException e) {
      return new Aborted(e);
    }
  }

  /** Outermost, so that it sees what every {@code @BeforeProperty} method throws. */
  @Override
  public int aroundPropertyProximity() {
    return -100;
  }

  /** The result of a property that never ran. */
  private record Aborted(Throwable cause) implements PropertyExecutionResult {
    @Override
    public Optional<String> seed() {
      return Optional.empty();
    }

    @Override
    public Optional<List<Object>> falsifiedParameters() {
      return Optional.empty();
    }

    @Override
    public Status status() {
      return Status.ABORTED;
    }

    @Override
    public Optional<Throwable> throwable() {
      return Optional.of(cause);
    }

    @Override
    public int countChecks() {
      return 0;
    }

    @Override
    public int countTries() {
      return 0;
    }

    @Override
    public Optional<FalsifiedSample> originalSample() {
      return Optional.empty();
    }

    @Override
    public Optional<ShrunkFalsifiedSample> shrunkSample() {
      return Optional.empty();
    }

    @Override
    public PropertyExecutionResult mapTo(Status newStatus, Throwable throwable) {
      return newStatus == Status.ABORTED ? new Aborted(throwable) : this;
    }
  }
}
