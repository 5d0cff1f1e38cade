package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.time.Duration;

/**
 * Told how long each public operation of {@link Handoff} took and how it ended, e.g. to record a Micrometer timer
 * per operation and outcome. It learns nothing else: no tenant, session or user id, token, secret or email, so it
 * can feed metrics with bounded tags.
 *
 * <p>Called synchronously on the caller's thread once the operation has ended, so keep it fast. An exception it
 * throws is logged and ignored: it never changes the operation's result. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface OperationObserver {

  /**
   * One operation ended.
   *
   * @param operation which one
   * @param elapsed how long it took, by the engine's monotonic clock ({@link System#nanoTime()})
   * @param error {@code null} if it succeeded; the {@link HandoffException#code()} if it failed with a
   *     {@link HandoffException}; {@code null} too if it failed with another exception, then named by
   *     {@code unexpected}
   * @param unexpected {@code null} unless the operation failed with an exception that is not a
   *     {@link HandoffException} (thrown by the embedder's {@code UserDirectory}, say): then its class
   */
  void onOperation(Operation operation, Duration elapsed, ErrorCode error,
      Class<? extends Throwable> unexpected);

  /** An observer that does nothing, the default. */
  static OperationObserver none() {
    return NoOperationObserver.INSTANCE;
  }
}
