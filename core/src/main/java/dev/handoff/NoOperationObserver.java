package dev.handoff;

import dev.handoff.spi.ErrorCode;
import java.time.Duration;

/**
 * The default {@link OperationObserver}, which does nothing. A type of its own so that {@link Handoff} can tell it
 * apart and skip timing operations nobody observes (two clock reads per call, on every page load). Stateless and
 * thread-safe.
 */
enum NoOperationObserver implements OperationObserver {
  INSTANCE;

  @Override
  public void onOperation(Operation operation, Duration elapsed, ErrorCode error,
      Class<? extends Throwable> unexpected) {
    // nothing to do
  }
}
