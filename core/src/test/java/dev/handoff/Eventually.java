package dev.handoff;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for something another thread does (a send off the caller's thread), failing after a generous limit. */
final class Eventually {
  private Eventually() {}

  static void holds(Duration limit, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition still false after " + limit);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
