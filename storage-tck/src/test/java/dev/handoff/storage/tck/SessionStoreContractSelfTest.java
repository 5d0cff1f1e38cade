package dev.handoff.storage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Shows that the kit fails broken stores, through both engines that run it. */
class SessionStoreContractSelfTest {

  private static Events run(String engine, Class<? extends SessionStoreContract> contract) {
    return EngineTestKit.engine(engine)
        .selectors(selectClass(contract))
        .configurationParameter("jqwik.reporting.onlyfailures", "true")
        // Hand the expected failure's report to the test kit instead of printing it.
        .configurationParameter("jqwik.reporting.usejunitplatform", "true")
        .configurationParameter("jqwik.database", "target/jqwik-database-selftest")
        // The failure is expected: neither minimise it nor replay it first on the next run.
        .configurationParameter("jqwik.shrinking.default", "OFF")
        .configurationParameter("jqwik.failures.after.default", "RANDOM_SEED")
        .execute()
        .testEvents();
  }

  @Test
  void jupiterTestsFailAStoreThatAcceptsAnOldTokenGeneration() {
    Events events = run("junit-jupiter", ReplayableStoreContract.class);
    assertThat(events.succeeded().count()).isPositive();
    assertThat(events.failed().list())
        .extracting(e -> e.getTestDescriptor().getDisplayName())
        .contains("refusesAnotherTokenGeneration()");
  }

  @Test
  void theModelPropertyFailsAStoreThatAcceptsAnOldTokenGeneration() {
    Events events = run("jqwik", ReplayableStoreContract.class);
    assertThat(events.succeeded().list())
        .extracting(e -> e.getTestDescriptor().getDisplayName())
        .contains("anySessionRoundTrips");
    assertThat(events.failed().list())
        .extracting(e -> e.getTestDescriptor().getDisplayName())
        .containsExactly("behavesLikeTheReferenceModel");
  }

  @Test
  void jupiterTestsFailAStoreWhoseUserIndexMissesReplacedSubjects() {
    Events events = run("junit-jupiter", StaleUserIndexStoreContract.class);
    assertThat(events.failed().list())
        .extracting(e -> e.getTestDescriptor().getDisplayName())
        .contains("aSubjectChangedByReplaceMovesBetweenUsers()");
  }

  @Test
  void theModelPropertyFailsAStoreWhoseUserIndexMissesReplacedSubjects() {
    Events events = run("jqwik", StaleUserIndexStoreContract.class);
    assertThat(events.failed().list())
        .extracting(e -> e.getTestDescriptor().getDisplayName())
        .containsExactly("behavesLikeTheReferenceModel");
  }
}
