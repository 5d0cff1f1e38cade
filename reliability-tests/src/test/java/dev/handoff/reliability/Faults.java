package dev.handoff.reliability;

import java.util.Map;

/** Real faults injected under a store while enabled, counted by kind. Implementations are thread-safe. */
interface Faults {
  void enabled(boolean enabled);

  /** How many faults of each kind were injected so far. */
  Map<?, Integer> injected();
}
