/**
 * The conformance kit for {@link dev.handoff.spi.SessionStore} adapters. An adapter's test extends
 * {@link dev.handoff.storage.tck.SessionStoreContract}.
 *
 * <p>Open because JUnit and jqwik call the kit's test methods reflectively.
 */
open module dev.handoff.storage.tck {
  requires transitive dev.handoff.spi;
  requires transitive org.junit.jupiter.api;
  requires transitive net.jqwik.api;
  requires transitive org.assertj.core;

  exports dev.handoff.storage.tck;
}
