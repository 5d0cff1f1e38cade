package dev.handoff.storage.tck;

import dev.handoff.spi.SessionStore;

/** The kit against {@link ReplayableStore}; run only through {@link SessionStoreContractSelfTest}. */
class ReplayableStoreContract extends SessionStoreContract {
  @Override
  protected SessionStore newStore() {
    return new ReplayableStore();
  }
}
