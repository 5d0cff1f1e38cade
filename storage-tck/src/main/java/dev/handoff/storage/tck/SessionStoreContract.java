package dev.handoff.storage.tck;

import dev.handoff.spi.AccessRecord;
import static dev.handoff.storage.tck.StoredSessions.baseTime;
import static dev.handoff.storage.tck.StoredSessions.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.LoginChallenge;
import dev.handoff.spi.Intent;
import dev.handoff.spi.SessionPage;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import dev.handoff.spi.UserDetails;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.PropagationMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * The conformance tests every {@link SessionStore} must pass: each clause of the {@code SessionStore} Javadoc,
 * a model-based property comparing random operation sequences with a reference model, and races.
 *
 * <h2>Use</h2>
 * Extend it in the adapter's test sources and implement {@link #newStore()}:
 *
 * <pre>{@code
 * class PostgresSessionStoreContractTest extends SessionStoreContract {
 *   @Override
 *   protected SessionStore newStore() {
 *     return freshStoreOverAnEmptyTable();
 *   }
 *
 *   @Override
 *   protected void releaseStores() {
 *     dropTheTable(); // optional clean-up after every test and property
 *   }
 * }
 * }</pre>
 *
 * The subclass runs on JUnit Jupiter (the {@code @Test} methods) and on jqwik (the {@code @Property}
 * methods); both engines must be on the test runtime class path, and the surefire include
 * pattern must match the subclass's name. To skip the kit when a backing system is unreachable, throw a JUnit
 * assumption failure from a {@code @BeforeEach} and {@code @BeforeProperty} method of the subclass.
 *
 * <h2>What the generated data needs from a store</h2>
 * Sessions come from {@link StoredSessions}: instants with nanosecond precision within 30 days of
 * {@link StoredSessions#baseTime()} (a store that evicts on its own clock must retain them that long), ASCII
 * tenants, ids and keys of at most 64 characters, JSON of every shape. {@code find} must return values
 * {@code equals} to the stored ones, so a store must keep every nanosecond and every character.
 *
 * <p>Instances are created by the test engines, one per test; not meant to be shared between threads except as
 * the kit itself does in its race tests.
 */
@AddLifecycleHook(value = AbortedPropertiesAreSkipped.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
public abstract class SessionStoreContract {

  /**
   * A new, empty store. Called at least once per test and once per property try; a store returned earlier in
   * the same test is no longer used. It may share resources with earlier stores (a connection pool, a table it
   * empties) as long as it starts empty.
   */
  protected abstract SessionStore newStore();

  /**
   * Called after each test and each property, on the instance that ran it; override to release what
   * {@link #newStore()} acquired. Does nothing by default.
   */
  protected void releaseStores() {}

  /** How many threads the race tests use. Default 8. */
  protected int raceThreads() {
    return 8;
  }

  /** How many rounds each race test runs. Default 100; lower it for slow stores. */
  protected int raceRounds() {
    return 100;
  }

  @AfterEach
  @AfterProperty
  final void releaseAfterContract() {
    releaseStores();
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  private static final Instant NOW = baseTime().plusSeconds(60);
  private static final BrowserBinding BROWSER = new BrowserBinding("browser-digest", NOW, NOW);

  private static void assertConflict(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
  }

  private static List<String> ids(SessionPage page) {
    return page.sessions().stream().map(StoredSession::id).toList();
  }

  private static List<StoredSession> listAll(SessionStore store, String tenant, int limit) {
    var all = new ArrayList<StoredSession>();
    String cursor = null;
    do {
      SessionPage page = store.list(tenant, cursor, limit);
      assertThat(page.sessions()).hasSizeLessThanOrEqualTo(limit);
      all.addAll(page.sessions());
      cursor = page.nextCursor();
    } while (cursor != null && all.size() < 10_000);
    return all;
  }

  // ---- insert and find -----------------------------------------------------------------------------------

  @Test
  void findReturnsAnEqualSession() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").build();
    store.insert(s);
    assertThat(store.find("t1", "csn_1")).contains(s);
  }

  @Test
  void everyComponentRoundTrips() {
    SessionStore store = newStore();
    var metadata = new LinkedHashMap<String, Object>();
    metadata.put("null", null);
    metadata.put("string", "a \"quoted\" \\ line\nbreak\u2028 é 中文 😀 \u0000\u001f");
    metadata.put("true", true);
    metadata.put("long", Long.MIN_VALUE);
    metadata.put("decimal", new BigDecimal("-12.3400"));
    metadata.put("exponent", new BigDecimal("1E+3"));
    metadata.put("tiny", new BigDecimal("1E-30"));
    metadata.put("list", Arrays.asList(1L, "two", null, List.of(), Map.of()));
    metadata.put("nested", Map.of("a", Map.of("b", List.of(Map.of("c", false)))));
    metadata.put("", "empty key");
    List<StoredSession> sessions = List.of(
        open("t1", "anonymous").metadata(metadata).build(),
        open("t1", "presented").presentation(Map.of("theme", Map.of("accent", "#0a7", "dark", true),
            "locale", "de-CH", "steps", List.of("plan", "pay"))).build(),
        open("t1", "existing").subject(new Subject.ExistingUser("usr_42")).callbackUrl("https://shop.example/x")
            .build(),
        open("t1", "new").subject(new Subject.NewUser(new UserDetails("ann@shop.example", "Ann 😀",
            Map.of("locale", "de-CH", "vip", true)))).build(),
        open("t1", "new-no-name").subject(new Subject.NewUser(UserDetails.ofEmail("bob@shop.example"))).build(),
        open("t1", "everything")
            .intent(new Intent("a.B-c_9", Map.of("items", List.of(Map.of("sku", "x", "qty", 2L)))))
            .createdAt(baseTime().plusNanos(123_456_789))
            .modifiedAt(baseTime().plusSeconds(5).plusNanos(1))
            .expiresAt(baseTime().plus(Duration.ofDays(2)).plusNanos(999_999_999))
            .status(SessionStatus.LOGIN_REQUIRED)
            .tokenGeneration(Long.MAX_VALUE)
            .tokenDigest("x".repeat(200))
            .singleUse(false)
            .idempotency("idem-" + "k".repeat(59), "f".repeat(64))
            .version(Long.MAX_VALUE - 1)
            .build());
    sessions.forEach(store::insert);
    for (StoredSession s : sessions) {
      assertThat(store.find("t1", s.id())).contains(s);
    }
    assertThat(store.findByIdempotencyKey("t1", "idem-" + "k".repeat(59))).contains(sessions.get(5));
  }

  @Test
  void unicodeTenantsIdsAndKeysRoundTrip() {
    SessionStore store = newStore();
    StoredSession s = open("mandant-é", "csn_中文_😀").idempotency("clé-𝄞", "fp").build();
    store.insert(s);
    assertThat(store.find("mandant-é", "csn_中文_😀")).contains(s);
    assertThat(store.findByIdempotencyKey("mandant-é", "clé-𝄞")).contains(s);
    assertThat(store.list("mandant-é", null, 5).sessions()).containsExactly(s);
  }

  @Test
  void everyStatusRoundTrips() {
    SessionStore store = newStore();
    for (SessionStatus status : SessionStatus.values()) {
      StoredSession s = open("t1", status.name()).status(status).build();
      store.insert(s);
      assertThat(store.find("t1", status.name())).contains(s);
    }
  }

  @Test
  void absentSessionsAreEmpty() {
    SessionStore store = newStore();
    assertThat(store.find("t1", "nope")).isEmpty();
    assertThat(store.findByIdempotencyKey("t1", "nope")).isEmpty();
  }

  @Test
  void duplicateIdIsAConflictAndChangesNothing() {
    SessionStore store = newStore();
    StoredSession first = open("t1", "csn_1").build();
    store.insert(first);
    StoredSession second = open("t1", "csn_1").tokenDigest("other").idempotency("key", "fp").build();
    assertConflict(() -> store.insert(second));
    assertThat(store.find("t1", "csn_1")).contains(first);
    assertThat(store.findByIdempotencyKey("t1", "key")).isEmpty();
    // The key the failed insert carried is still free.
    StoredSession third = open("t1", "csn_3").idempotency("key", "fp").build();
    store.insert(third);
    assertThat(store.findByIdempotencyKey("t1", "key")).contains(third);
  }

  @Test
  void duplicateIdempotencyKeyIsAConflictAndChangesNothing() {
    SessionStore store = newStore();
    StoredSession first = open("t1", "csn_1").idempotency("key", "fp1").build();
    store.insert(first);
    assertConflict(() -> store.insert(open("t1", "csn_2").idempotency("key", "fp2").build()));
    assertThat(store.find("t1", "csn_2")).isEmpty();
    assertThat(store.findByIdempotencyKey("t1", "key")).contains(first);
    assertThat(ids(store.list("t1", null, 10))).containsExactly("csn_1");
  }

  @Test
  void sessionsWithoutIdempotencyKeyNeverCollide() {
    SessionStore store = newStore();
    for (int i = 0; i < 5; i++) {
      store.insert(open("t1", "csn_" + i).build());
    }
    assertThat(store.list("t1", null, 10).sessions()).hasSize(5);
  }

  @Test
  void idsAndKeysAreExactNotCaseOrPaddingInsensitive() {
    SessionStore store = newStore();
    List<String> variants = List.of("abc", "ABC", "abc ", "Abc");
    for (String v : variants) {
      store.insert(open("t1", v).idempotency(v, "fp").build());
    }
    for (String v : variants) {
      assertThat(store.find("t1", v)).map(StoredSession::id).contains(v);
      assertThat(store.findByIdempotencyKey("t1", v)).map(StoredSession::id).contains(v);
    }
    assertThat(store.find("t1", "abc  ")).isEmpty();
  }

  // ---- tenant isolation ----------------------------------------------------------------------------------

  @Test
  void sameIdAndKeyLiveIndependentlyInTwoTenants() {
    SessionStore store = newStore();
    StoredSession a = open("tenant_a", "csn_1").idempotency("key", "fp").build();
    StoredSession b = open("tenant_b", "csn_1").idempotency("key", "fp").tokenDigest("other").build();
    store.insert(a);
    store.insert(b);
    assertThat(store.find("tenant_a", "csn_1")).contains(a);
    assertThat(store.find("tenant_b", "csn_1")).contains(b);
    assertThat(store.findByIdempotencyKey("tenant_b", "key")).contains(b);
    assertThat(store.find("tenant_c", "csn_1")).isEmpty();
  }

  @Test
  void changesInOneTenantDoNotTouchAnother() {
    SessionStore store = newStore();
    StoredSession a = open("tenant_a", "csn_1").build();
    StoredSession b = open("tenant_b", "csn_1").build();
    store.insert(a);
    store.insert(b);
    assertThat(store.consume("tenant_b", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW)).isPresent();
    assertThat(store.replace(b.toBuilder().status(SessionStatus.REVOKED).version(1).build(), 0)).isFalse();
    assertThat(store.find("tenant_a", "csn_1")).contains(a);
    assertThat(store.list("tenant_a", null, 10).sessions()).containsExactly(a);
    assertThat(store.list("tenant_c", null, 10)).isEqualTo(new SessionPage(List.of(), null));
  }

  @Test
  void tenantNamesAreExact() {
    SessionStore store = newStore();
    store.insert(open("acme", "csn_1").build());
    assertThat(store.find("ACME", "csn_1")).isEmpty();
    assertThat(store.find("acme ", "csn_1")).isEmpty();
    assertThat(store.list("acm", null, 10).sessions()).isEmpty();
  }

  // ---- replace -------------------------------------------------------------------------------------------

  @Test
  void replacesTheExpectedVersion() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").idempotency("key", "fp").build();
    store.insert(s);
    StoredSession next = s.toBuilder().status(SessionStatus.ACTIVE).subject(new Subject.ExistingUser("usr_1"))
        .metadata(Map.of("step", 2L)).tokenGeneration(2).tokenDigest("new-digest").modifiedAt(NOW)
        .expiresAt(s.expiresAt().plusSeconds(600)).version(1).build();
    assertThat(store.replace(next, 0)).isTrue();
    assertThat(store.find("t1", "csn_1")).contains(next);
    assertThat(store.findByIdempotencyKey("t1", "key")).contains(next);
    StoredSession third = next.toBuilder().status(SessionStatus.COMPLETED).version(2).build();
    assertThat(store.replace(third, 1)).isTrue();
    assertThat(store.find("t1", "csn_1")).contains(third);
  }

  @Test
  void refusesAStaleVersionAndChangesNothing() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").version(3).build();
    store.insert(s);
    assertThat(store.replace(s.toBuilder().status(SessionStatus.REVOKED).version(3).build(), 2)).isFalse();
    assertThat(store.replace(s.toBuilder().status(SessionStatus.REVOKED).version(5).build(), 4)).isFalse();
    assertThat(store.find("t1", "csn_1")).contains(s);
  }

  @Test
  void absentSessionIsNotReplaced() {
    SessionStore store = newStore();
    assertThat(store.replace(open("t1", "csn_1").version(1).build(), 0)).isFalse();
    assertThat(store.find("t1", "csn_1")).isEmpty();
  }

  @Test
  void rejectsAReplacementWhoseVersionIsNotExpectedPlusOne() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").build();
    store.insert(s);
    assertThatThrownBy(() -> store.replace(s.toBuilder().version(2).build(), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.replace(s, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.find("t1", "csn_1")).contains(s);
  }

  // ---- consume -------------------------------------------------------------------------------------------

  @Test
  void consumesOnceAndReturnsWhatItStored() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").build();
    store.insert(s);
    StoredSession expected = s.consumedAs(SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW);
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW)).contains(expected);
    assertThat(store.find("t1", "csn_1")).contains(expected);
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW)).isEmpty();
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.LOGIN_REQUIRED, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW.plusSeconds(1), null, null), NOW.plusSeconds(1))).isEmpty();
    assertThat(store.find("t1", "csn_1")).contains(expected);
  }

  @Test
  void keepsNanosecondsOfNow() {
    SessionStore store = newStore();
    store.insert(open("t1", "csn_1").build());
    Instant now = NOW.plusNanos(987_654_321);
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.LOGIN_REQUIRED, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, now, null, null), now))
        .map(StoredSession::modifiedAt).contains(now);
    assertThat(store.find("t1", "csn_1")).map(StoredSession::modifiedAt).contains(now);
  }

  @Test
  void refusesAnotherTokenGeneration() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").tokenGeneration(2).build();
    store.insert(s);
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW)).isEmpty();
    assertThat(store.consume("t1", "csn_1", 3, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW)).isEmpty();
    assertThat(store.find("t1", "csn_1")).contains(s);
    assertThat(store.consume("t1", "csn_1", 2, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW)).isPresent();
  }

  @Test
  void refusesAtAndAfterExpiresAtButNotJustBefore() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").build();
    store.insert(s);
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, s.expiresAt(), null, null), s.expiresAt())).isEmpty();
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, s.expiresAt().plusSeconds(5), null, null), s.expiresAt().plusSeconds(5))).isEmpty();
    assertThat(store.find("t1", "csn_1")).contains(s);
    Instant justBefore = s.expiresAt().minusNanos(1);
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, justBefore, null, null), justBefore))
        .contains(s.consumedAs(SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, justBefore, null, null), justBefore));
  }

  @Test
  void refusesEveryStatusButOpen() {
    SessionStore store = newStore();
    for (SessionStatus status : SessionStatus.values()) {
      if (status != SessionStatus.OPEN) {
        StoredSession s = open("t1", status.name()).status(status).build();
        store.insert(s);
        assertThat(store.consume("t1", status.name(), 1, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW)).as("%s", status).isEmpty();
        assertThat(store.find("t1", status.name())).contains(s);
      }
    }
  }

  @Test
  void refusesAbsentSessionsAndOpenAsNewStatus() {
    SessionStore store = newStore();
    assertThat(store.consume("t1", "nope", 1, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW)).isEmpty();
    StoredSession s = open("t1", "csn_1").build();
    store.insert(s);
    assertThatThrownBy(() -> store.consume("t1", "csn_1", 1, SessionStatus.OPEN, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.find("t1", "csn_1")).contains(s);
  }

  @Test
  void aRemintedTokenGenerationCanBeConsumedAgain() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").singleUse(true).build();
    store.insert(s);
    StoredSession consumed = store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW).orElseThrow();
    StoredSession reminted = consumed.toBuilder().status(SessionStatus.OPEN).tokenGeneration(2)
        .tokenDigest("dgst_2").version(consumed.version() + 1).build();
    assertThat(store.replace(reminted, consumed.version())).isTrue();
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW)).isEmpty();
    assertThat(store.consume("t1", "csn_1", 2, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW))
        .contains(reminted.consumedAs(SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW));
  }

  // ---- time is the engine's ------------------------------------------------------------------------------

  @Test
  void expiredSessionsAreStillFoundAndListed() {
    SessionStore store = newStore();
    StoredSession expired = open("t1", "csn_old").createdAt(baseTime().minus(Duration.ofDays(3)))
        .modifiedAt(baseTime().minus(Duration.ofDays(3))).expiresAt(baseTime().minus(Duration.ofDays(2)))
        .build();
    store.insert(expired);
    assertThat(store.find("t1", "csn_old")).contains(expired);
    assertThat(store.list("t1", null, 10).sessions()).containsExactly(expired);
  }

  // ---- list ----------------------------------------------------------------------------------------------

  @Test
  void pagesInAscendingIdOrderWithAnExactCursor() {
    SessionStore store = newStore();
    List<String> shuffled = List.of("m", "B", "a", "z9", "z10", "_", "-", "0", "Z", "b");
    for (String id : shuffled) {
      store.insert(open("t1", id).build());
    }
    List<String> sorted = shuffled.stream().sorted().toList();
    for (int limit = 1; limit <= 11; limit++) {
      var seen = new ArrayList<String>();
      String cursor = null;
      int pages = 0;
      do {
        SessionPage page = store.list("t1", cursor, limit);
        pages++;
        assertThat(page.sessions()).as("limit %d", limit).hasSizeLessThanOrEqualTo(limit);
        if (page.nextCursor() != null) {
          assertThat(page.sessions()).as("a page with a cursor is full, limit %d", limit).hasSize(limit);
        }
        seen.addAll(ids(page));
        cursor = page.nextCursor();
      } while (cursor != null && pages < 20);
      assertThat(seen).as("limit %d", limit).isEqualTo(sorted);
      assertThat(pages).as("pages for limit %d", limit).isEqualTo(Math.max(1, (sorted.size() + limit - 1) / limit));
    }
  }

  @Test
  void lastFullPageHasNoCursor() {
    SessionStore store = newStore();
    for (String id : List.of("a", "b", "c", "d")) {
      store.insert(open("t1", id).build());
    }
    SessionPage first = store.list("t1", null, 2);
    assertThat(ids(first)).containsExactly("a", "b");
    assertThat(first.nextCursor()).isNotNull();
    SessionPage second = store.list("t1", first.nextCursor(), 2);
    assertThat(ids(second)).containsExactly("c", "d");
    assertThat(second.nextCursor()).isNull();
    assertThat(store.list("t1", null, 4).nextCursor()).isNull();
    assertThat(store.list("t1", null, 3).nextCursor()).isNotNull();
  }

  @Test
  void returnsStoredValuesOfOneTenantOnly() {
    SessionStore store = newStore();
    StoredSession a = open("t1", "a").build();
    StoredSession b = open("t1", "b").status(SessionStatus.REVOKED).build();
    store.insert(b);
    store.insert(a);
    store.insert(open("t2", "a0").build());
    store.insert(open("t0", "c").build());
    assertThat(store.list("t1", null, 10)).isEqualTo(new SessionPage(List.of(a, b), null));
  }

  @Test
  void emptyTenantHasAnEmptyPage() {
    SessionStore store = newStore();
    assertThat(store.list("t1", null, 1)).isEqualTo(new SessionPage(List.of(), null));
  }

  @Test
  void cursorSurvivesDeletionOfTheSessionItPointsAt() {
    SessionStore store = newStore();
    for (String id : List.of("a", "b", "c")) {
      store.insert(open("t1", id).build());
    }
    StoredSession past = open("t1", "b0").createdAt(baseTime().minusSeconds(7200))
        .expiresAt(baseTime().minusSeconds(3600)).build();
    store.insert(past);
    SessionPage first = store.list("t1", null, 2); // a, b
    assertThat(store.list("t1", first.nextCursor(), 2).sessions()).extracting(StoredSession::id)
        .containsExactly("b0", "c");
    assertThat(store.deleteExpired(baseTime(), 10)).isEqualTo(1);
    assertThat(ids(store.list("t1", first.nextCursor(), 2))).containsExactly("c");
  }

  @Test
  void listRejectsALimitBelowOne() {
    SessionStore store = newStore();
    assertThatThrownBy(() -> store.list("t1", null, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- deleteExpired -------------------------------------------------------------------------------------

  private StoredSession expiringAt(String tenant, String id, Instant expiresAt) {
    return open(tenant, id).createdAt(expiresAt.minusSeconds(3600)).modifiedAt(expiresAt.minusSeconds(3600))
        .expiresAt(expiresAt).idempotency("key-" + id, "fp").build();
  }

  @Test
  void deletesAtMostLimitOfTheExpiredAcrossTenants() {
    SessionStore store = newStore();
    Instant cut = baseTime();
    for (int i = 0; i < 7; i++) {
      store.insert(expiringAt("t" + (i % 3), "old" + i, cut.minusSeconds(100 - i)));
    }
    StoredSession atCut = expiringAt("t1", "at_cut", cut);
    StoredSession live = expiringAt("t2", "live", cut.plusSeconds(1));
    store.insert(atCut);
    store.insert(live);

    assertThat(store.deleteExpired(cut, 3)).isEqualTo(3);
    assertThat(store.deleteExpired(cut, 3)).isEqualTo(3);
    assertThat(store.deleteExpired(cut, 3)).isEqualTo(1);
    assertThat(store.deleteExpired(cut, 3)).isZero();
    for (int i = 0; i < 7; i++) {
      String tenant = "t" + (i % 3);
      assertThat(store.find(tenant, "old" + i)).isEmpty();
      assertThat(store.findByIdempotencyKey(tenant, "key-old" + i)).isEmpty();
    }
    assertThat(store.find("t1", "at_cut")).contains(atCut);
    assertThat(store.find("t2", "live")).contains(live);
    assertThat(listAll(store, "t0", 5)).isEmpty();
  }

  @Test
  void deletedIdsAndKeysCanBeUsedAgain() {
    SessionStore store = newStore();
    store.insert(expiringAt("t1", "csn_1", baseTime().minusSeconds(10)));
    assertThat(store.deleteExpired(baseTime(), 100)).isEqualTo(1);
    StoredSession again = expiringAt("t1", "csn_1", baseTime().plusSeconds(3600));
    store.insert(again);
    assertThat(store.findByIdempotencyKey("t1", "key-csn_1")).contains(again);
  }

  @Test
  void deleteExpiredRejectsALimitBelowOne() {
    SessionStore store = newStore();
    assertThatThrownBy(() -> store.deleteExpired(baseTime(), 0)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- presentation --------------------------------------------------------------------------------------

  @Test
  void presentationRoundTripsThroughInsertReplaceAndConsume() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").presentation(Map.of("theme", "dark", "locale", "fr-CA")).build();
    store.insert(s);
    assertThat(store.find("t1", "csn_1").orElseThrow().presentation())
        .isEqualTo(Map.of("theme", "dark", "locale", "fr-CA"));
    StoredSession changed = s.toBuilder().presentation(Map.of("locale", "ja-JP", "step", 2L)).version(1).build();
    assertThat(store.replace(changed, 0)).isTrue();
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW).orElseThrow().presentation())
        .isEqualTo(Map.of("locale", "ja-JP", "step", 2L));
    StoredSession cleared = store.find("t1", "csn_1").orElseThrow();
    cleared = cleared.toBuilder().presentation(Map.of()).version(cleared.version() + 1).build();
    assertThat(store.replace(cleared, cleared.version() - 1)).isTrue();
    assertThat(store.find("t1", "csn_1")).contains(cleared);
  }

  // ---- counters ------------------------------------------------------------------------------------------

  private static final Instant COUNTER_NOW = StoredSessions.counterTime();

  @Test
  void countsWithinAWindowAndKeepsTheFirstWindowEnd() {
    SessionStore store = newStore();
    Instant end = COUNTER_NOW.plusSeconds(60);
    assertThat(store.incrementCounter("t1", "k", end, COUNTER_NOW)).isEqualTo(1);
    assertThat(store.incrementCounter("t1", "k", end, COUNTER_NOW.plusSeconds(1))).isEqualTo(2);
    // A later call proposing another end does not move the running window.
    assertThat(store.incrementCounter("t1", "k", end.plusSeconds(600), COUNTER_NOW.plusSeconds(2))).isEqualTo(3);
    assertThat(store.incrementCounter("t1", "k", end.plusSeconds(600), end.minusNanos(1))).isEqualTo(4);
  }

  @Test
  void aWindowRestartsAtOneFromItsEnd() {
    SessionStore store = newStore();
    Instant end = COUNTER_NOW.plusSeconds(60);
    store.incrementCounter("t1", "k", end, COUNTER_NOW);
    store.incrementCounter("t1", "k", end, COUNTER_NOW);
    Instant nextEnd = end.plusSeconds(60);
    assertThat(store.incrementCounter("t1", "k", nextEnd, end)).as("at the stored end").isEqualTo(1);
    assertThat(store.incrementCounter("t1", "k", nextEnd.plusSeconds(99), end.plusSeconds(1))).isEqualTo(2);
    assertThat(store.incrementCounter("t1", "k", nextEnd.plusSeconds(120), nextEnd.plusSeconds(1)))
        .as("after the new window ended").isEqualTo(1);
  }

  @Test
  void countersOfTenantsAndKeysAreIndependent() {
    SessionStore store = newStore();
    Instant end = COUNTER_NOW.plusSeconds(60);
    for (int i = 0; i < 3; i++) {
      store.incrementCounter("tenant_a", "k", end, COUNTER_NOW);
    }
    assertThat(store.incrementCounter("tenant_b", "k", end, COUNTER_NOW)).isEqualTo(1);
    assertThat(store.incrementCounter("tenant_a", "K", end, COUNTER_NOW)).isEqualTo(1);
    assertThat(store.incrementCounter("tenant_a", "k2", end, COUNTER_NOW)).isEqualTo(1);
    assertThat(store.incrementCounter("tenant_a", "k", end, COUNTER_NOW)).isEqualTo(4);
  }

  @Test
  void countersAreNotSessions() {
    SessionStore store = newStore();
    store.incrementCounter("t1", "csn_1", COUNTER_NOW.plusSeconds(60), COUNTER_NOW);
    assertThat(store.find("t1", "csn_1")).isEmpty();
    assertThat(store.list("t1", null, 10).sessions()).isEmpty();
    StoredSession s = open("t1", "csn_1").build();
    store.insert(s);
    assertThat(store.find("t1", "csn_1")).contains(s);
  }

  @Test
  void deleteExpiredDropsEndedCountersWithoutCountingThem() {
    SessionStore store = newStore();
    Instant end = COUNTER_NOW.plusSeconds(60);
    store.incrementCounter("t1", "ended", end, COUNTER_NOW);
    store.incrementCounter("t1", "ended", end, COUNTER_NOW);
    store.incrementCounter("t1", "running", end.plusSeconds(3600), COUNTER_NOW);
    assertThat(store.deleteExpired(end.plusSeconds(1), 100)).as("sessions deleted").isZero();
    // Asked with a "now" inside the old window: a counter that survived would answer 3.
    assertThat(store.incrementCounter("t1", "ended", end, COUNTER_NOW.plusSeconds(1))).isEqualTo(1);
    assertThat(store.incrementCounter("t1", "running", end.plusSeconds(3600), COUNTER_NOW)).isEqualTo(2);
  }

  @Test
  void rejectsInvalidCounterArguments() {
    SessionStore store = newStore();
    Instant end = COUNTER_NOW.plusSeconds(60);
    for (String key : List.of("", "k".repeat(SessionStore.MAX_COUNTER_KEY_LENGTH + 1), "a b", "clé", "a\u0000",
        "a\nb")) {
      assertThatThrownBy(() -> store.incrementCounter("t1", key, end, COUNTER_NOW)).as("key %s", key)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> store.incrementCounter("t1", "k", COUNTER_NOW, COUNTER_NOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.incrementCounter("t1", "k", COUNTER_NOW.minusSeconds(1), COUNTER_NOW))
        .isInstanceOf(IllegalArgumentException.class);
    String longest = "k".repeat(SessionStore.MAX_COUNTER_KEY_LENGTH);
    assertThat(store.incrementCounter("t1", longest, end, COUNTER_NOW)).isEqualTo(1);
    assertThat(store.incrementCounter("t1", "k", end, COUNTER_NOW)).as("nothing counted by refused calls")
        .isEqualTo(1);
  }

  // ---- races ---------------------------------------------------------------------------------------------

  /** Runs {@code task} on {@link #raceThreads()} threads released together; returns how many returned true. */
  private int race(ExecutorService pool, Callable<Boolean> task) throws Exception {
    int threads = raceThreads();
    var barrier = new CyclicBarrier(threads);
    var futures = new ArrayList<Future<Boolean>>();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        barrier.await(30, TimeUnit.SECONDS);
        return task.call();
      }));
    }
    int wins = 0;
    for (Future<Boolean> f : futures) {
      if (f.get(60, TimeUnit.SECONDS)) {
        wins++;
      }
    }
    return wins;
  }

  private void withPool(PoolAction action) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(raceThreads());
    try {
      action.run(pool);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void exactlyOneConsumeSucceedsEachRound() throws Exception {
    SessionStore store = newStore();
    withPool(pool -> {
      for (int round = 0; round < raceRounds(); round++) {
        String id = "csn_" + round;
        store.insert(open("t1", id).build());
        int wins = race(pool, () -> store.consume("t1", id, 1, SessionStatus.ACTIVE, BROWSER, new AccessRecord(AccessRecord.Step.REDEEMED, NOW, null, null), NOW).isPresent());
        assertThat(wins).as("successful consumes in round %d", round).isEqualTo(1);
        assertThat(store.find("t1", id).orElseThrow().version()).isEqualTo(1);
      }
    });
  }

  @Test
  void exactlyOneCompareAndSetWinsEachRound() throws Exception {
    SessionStore store = newStore();
    withPool(pool -> {
      for (int round = 0; round < raceRounds(); round++) {
        String id = "csn_" + round;
        StoredSession s = open("t1", id).build();
        store.insert(s);
        var winner = new AtomicInteger(-1);
        var next = new AtomicInteger();
        int wins = race(pool, () -> {
          int me = next.getAndIncrement();
          boolean won = store.replace(s.toBuilder().tokenDigest("writer-" + me).version(1).build(), 0);
          if (won) {
            winner.set(me);
          }
          return won;
        });
        assertThat(wins).as("successful replaces in round %d", round).isEqualTo(1);
        assertThat(store.find("t1", id).orElseThrow().tokenDigest()).isEqualTo("writer-" + winner.get());
      }
    });
  }

  @Test
  void exactlyOneInsertGetsAnIdempotencyKey() throws Exception {
    SessionStore store = newStore();
    withPool(pool -> {
      for (int round = 0; round < raceRounds(); round++) {
        String key = "key-" + round;
        var next = new AtomicInteger();
        int wins = race(pool, () -> {
          String id = "csn_" + key + "_" + next.getAndIncrement();
          try {
            store.insert(open("t1", id).idempotency(key, "fp").build());
            return true;
          } catch (HandoffException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
            return false;
          }
        });
        assertThat(wins).as("successful inserts in round %d", round).isEqualTo(1);
        assertThat(store.findByIdempotencyKey("t1", key)).isPresent();
      }
    });
  }

  /**
   * What the engine does with concurrent identical idempotent creates: each loser of the key reads the winner at
   * once and must find it (else it would answer a spurious CONFLICT). An insert that failed on the key is
   * linearizable: its winner is visible to every later read.
   */
  @Test
  void theLoserOfAnIdempotencyKeyFindsTheWinnerAtOnce() throws Exception {
    SessionStore store = newStore();
    withPool(pool -> {
      for (int round = 0; round < raceRounds(); round++) {
        String key = "key-" + round;
        var next = new AtomicInteger();
        var missing = new AtomicInteger();
        int wins = race(pool, () -> {
          String id = "csn_" + key + "_" + next.getAndIncrement();
          try {
            store.insert(open("t1", id).idempotency(key, "fp").build());
            return true;
          } catch (HandoffException e) {
            if (store.findByIdempotencyKey("t1", key).isEmpty()) {
              missing.incrementAndGet();
            }
            return false;
          }
        });
        assertThat(wins).as("successful inserts in round %d", round).isEqualTo(1);
        assertThat(missing.get()).as("losers that did not see the winner in round %d", round).isZero();
      }
    });
  }

  /**
   * One-time-code attempts are counted by compare-and-set: of all threads that each spend one attempt (re-reading
   * and retrying when they lose), exactly as many succeed as there were attempts, never more.
   */
  @Test
  void attemptCountingThroughReplaceIsExact() throws Exception {
    SessionStore store = newStore();
    int attempts = Math.max(1, raceThreads() / 2);
    withPool(pool -> {
      for (int round = 0; round < raceRounds(); round++) {
        String id = "csn_" + round;
        var challenge = new LoginChallenge("someone@example.com", "code-digest", NOW.plusSeconds(600), attempts, 1,
            NOW);
        store.insert(open("t1", id).status(SessionStatus.LOGIN_REQUIRED).browser(BROWSER).challenge(challenge)
            .build());
        int spent = race(pool, () -> {
          while (true) {
            StoredSession current = store.find("t1", id).orElseThrow();
            if (current.challenge().attemptsLeft() == 0) {
              return false;
            }
            var next = current.toBuilder().challenge(current.challenge().withOneAttemptLess())
                .version(current.version() + 1).build();
            if (store.replace(next, current.version())) {
              return true;
            }
          }
        });
        assertThat(spent).as("attempts spent in round %d", round).isEqualTo(attempts);
        var after = store.find("t1", id).orElseThrow();
        assertThat(after.challenge().attemptsLeft()).isZero();
        assertThat(after.version()).isEqualTo(attempts);
      }
    });
  }

  /** Every concurrent increment gets its own count: the answers of a round are exactly 1 to threads × calls. */
  @Test
  void concurrentIncrementsCountExactly() throws Exception {
    SessionStore store = newStore();
    int callsPerThread = 5;
    Instant end = COUNTER_NOW.plusSeconds(3600);
    withPool(pool -> {
      for (int round = 0; round < Math.max(1, raceRounds() / 5); round++) {
        String key = "race-" + round;
        var answers = java.util.concurrent.ConcurrentHashMap.<Long>newKeySet();
        var duplicates = new AtomicInteger();
        race(pool, () -> {
          for (int i = 0; i < callsPerThread; i++) {
            if (!answers.add(store.incrementCounter("t1", key, end, COUNTER_NOW))) {
              duplicates.incrementAndGet();
            }
          }
          return true;
        });
        int total = raceThreads() * callsPerThread;
        assertThat(duplicates.get()).as("repeated counts in round %d", round).isZero();
        assertThat(answers).as("counts in round %d", round).hasSize(total)
            .allSatisfy(n -> assertThat(n).isBetween(1L, (long) total));
      }
    });
  }

  /** A block that uses a thread pool. */
  @FunctionalInterface
  private interface PoolAction {
    void run(ExecutorService pool) throws Exception;
  }

  // ---- properties ----------------------------------------------------------------------------------------

  /** Any valid session comes back equal. */
  @Property(tries = 60)
  void anySessionRoundTrips(@ForAll("anySession") StoredSession session) {
    SessionStore store = newStore();
    store.insert(session);
    assertThat(store.find(session.tenant(), session.id())).contains(session);
    if (session.idempotencyKey() != null) {
      assertThat(store.findByIdempotencyKey(session.tenant(), session.idempotencyKey())).contains(session);
    }
    assertThat(store.list(session.tenant(), null, 1)).isEqualTo(new SessionPage(List.of(session), null));
  }

  /** Random operation sequences give the answers of the reference model, and leave the same content. */
  @Property(tries = 50)
  void behavesLikeTheReferenceModel(@ForAll("operationSequences") List<StoreOperation> operations) {
    SessionStore store = newStore();
    var model = new ReferenceSessionStore();
    for (StoreOperation operation : operations) {
      operation.check(store, model);
    }
    StoreOperation.assertSameContent(store, model);
  }

  @Provide
  Arbitrary<StoredSession> anySession() {
    return StoredSessions.sessions();
  }

  @Provide
  Arbitrary<List<StoreOperation>> operationSequences() {
    return StoreOperation.any().list().ofMinSize(5).ofMaxSize(40);
  }
}
