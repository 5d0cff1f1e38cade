package dev.handoff.storage.memory;

import dev.handoff.spi.SessionStore;
import dev.handoff.storage.tck.SessionStoreContract;
import java.time.Duration;

/** The storage conformance kit against {@link CaffeineSessionStore}. */
class CaffeineSessionStoreContractTest extends SessionStoreContract {
  @Override
  protected SessionStore newStore() {
    // The kit's sessions expire within 30 days of today; keep them well beyond that.
    return CaffeineSessionStore.builder().retention(Duration.ofDays(365)).build();
  }
}
