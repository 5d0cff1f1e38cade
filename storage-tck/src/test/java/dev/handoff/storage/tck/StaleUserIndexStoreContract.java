package dev.handoff.storage.tck;

import dev.handoff.spi.SessionStore;

/** The kit against {@link StaleUserIndexStore}; run only through {@link SessionStoreContractSelfTest}. */
class StaleUserIndexStoreContract extends SessionStoreContract {
  @Override
  protected SessionStore newStore() {
    return new StaleUserIndexStore();
  }
}
