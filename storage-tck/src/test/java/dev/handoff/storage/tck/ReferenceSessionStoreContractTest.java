package dev.handoff.storage.tck;

import dev.handoff.spi.SessionStore;

/** The kit must pass its own reference model, or its expectations are wrong. */
class ReferenceSessionStoreContractTest extends SessionStoreContract {
  @Override
  protected SessionStore newStore() {
    return new ReferenceSessionStore();
  }
}
