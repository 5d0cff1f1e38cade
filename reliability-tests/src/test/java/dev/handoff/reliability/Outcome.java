package dev.handoff.reliability;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.util.concurrent.Callable;

/** What a call did: its value, or the code of the {@link HandoffException} it threw. Immutable. */
record Outcome<T>(T value, ErrorCode error) {
  static <T> Outcome<T> of(Callable<T> call) throws Exception {
    try {
      return new Outcome<>(call.call(), null);
    } catch (HandoffException e) {
      return new Outcome<>(null, e.code());
    }
  }

  boolean succeeded() {
    return error == null;
  }
}
