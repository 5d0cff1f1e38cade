/**
 * The storage conformance kit: {@link dev.handoff.storage.tck.SessionStoreContract}, the tests every
 * {@link dev.handoff.spi.SessionStore} must pass, and {@link dev.handoff.storage.tck.StoredSessions}, random valid
 * sessions for an adapter's own tests.
 *
 * <p>Usage, in the adapter's test sources:
 *
 * <pre>{@code
 * class MyStoreContractTest extends SessionStoreContract {
 *   @Override
 *   protected SessionStore newStore() {
 *     return new MyStore(...); // fresh and empty on every call
 *   }
 * }
 * }</pre>
 *
 * <p>Run it with JUnit Jupiter and the jqwik engine on the test class path (the kit depends on both).
 */
package dev.handoff.storage.tck;
