package dev.handoff.storage.tck;

import static dev.handoff.storage.tck.StoredSessions.baseTime;
import static dev.handoff.storage.tck.StoredSessions.open;
import static dev.handoff.storage.tck.StoredSessions.redemption;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Intent;
import dev.handoff.spi.LoginChallenge;
import dev.handoff.spi.Recovery;
import dev.handoff.spi.SessionClocks;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
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
  void clocksRecoveryAndAccessLogRoundTrip() {
    SessionStore store = newStore();
    String longest = "\"\\ ~" + "M".repeat(AccessRecord.MAX_FIELD_LENGTH - 4);
    var log = new ArrayList<AccessRecord>();
    log.add(new AccessRecord(AccessRecord.Step.REDEEMED, NOW.plusNanos(1), null, null));
    log.add(new AccessRecord(AccessRecord.Step.SIGNED_IN, NOW.plusSeconds(1), "203.0.113.0/24", longest));
    log.add(new AccessRecord(AccessRecord.Step.RECOVERED, NOW.plusSeconds(2), "hmac:" + "a".repeat(251), ""));
    while (log.size() < AccessRecord.MAX_RECORDS) {
      log.add(new AccessRecord(AccessRecord.Step.REDEEMED, NOW.plusSeconds(log.size()), "2001:db8::/48",
          "agent " + log.size()));
    }
    var clocks = new SessionClocks(baseTime().plus(Duration.ofDays(7)).plusNanos(3), Duration.ofSeconds(1),
        Duration.ofDays(90).plusNanos(1));
    List<StoredSession> sessions = List.of(
        open("t1", "explicit").expiresAt(clocks.linkExpiresAt()).clocks(clocks).build(),
        open("t1", "recovered").recovery(new Recovery("csn_original", null, 3)).build(),
        open("t1", "replaced").status(SessionStatus.EXPIRED).recovery(Recovery.NONE.replacedBy("csn_next"))
            .accessLog(log.subList(0, 1)).build(),
        open("t1", "both").status(SessionStatus.COMPLETED).recovery(new Recovery("csn_a", "csn_c", 1))
            .accessLog(log).build());
    sessions.forEach(store::insert);
    for (StoredSession s : sessions) {
      assertThat(store.find("t1", s.id())).contains(s);
    }
    assertThat(store.list("t1", null, 10).sessions()).containsExactlyInAnyOrderElementsOf(sessions);
    // And through replace: every part changed, then cleared.
    StoredSession first = sessions.get(0);
    StoredSession changed = first.toBuilder().status(SessionStatus.ACTIVE).accessLog(log)
        .clocks(new SessionClocks(NOW, Duration.ofHours(1), Duration.ofSeconds(1)))
        .recovery(new Recovery("csn_x", "csn_y", Integer.MAX_VALUE)).version(1).build();
    assertThat(store.replace(changed, 0)).isTrue();
    assertThat(store.find("t1", "explicit")).contains(changed);
    StoredSession cleared = changed.toBuilder().accessLog(List.of()).recovery(Recovery.NONE).version(2).build();
    assertThat(store.replace(cleared, 1)).isTrue();
    assertThat(store.find("t1", "explicit")).contains(cleared);
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
    assertThat(store.consume("tenant_b", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW)).isPresent();
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

  // ---- replaceEach ---------------------------------------------------------------------------------------

  @Test
  void replaceEachAppliesEveryCurrentVersionAcrossTenants() {
    SessionStore store = newStore();
    StoredSession a = open("t1", "csn_1").build();
    StoredSession b = open("t2", "csn_1").version(4).build();
    StoredSession c = open("t1", "csn_2").idempotency("key", "fp").build();
    store.insert(a);
    store.insert(b);
    store.insert(c);
    List<StoredSession> marks = List.of(
        a.toBuilder().status(SessionStatus.EXPIRED).modifiedAt(NOW).version(1).build(),
        b.toBuilder().status(SessionStatus.EXPIRED).modifiedAt(NOW).version(5).build(),
        c.toBuilder().status(SessionStatus.ACTIVE).metadata(Map.of("step", 2L)).version(1).build());
    assertThat(store.replaceEach(marks)).containsExactly(true, true, true);
    assertThat(store.find("t1", "csn_1")).contains(marks.get(0));
    assertThat(store.find("t2", "csn_1")).contains(marks.get(1));
    assertThat(store.find("t1", "csn_2")).contains(marks.get(2));
    assertThat(store.findByIdempotencyKey("t1", "key")).contains(marks.get(2));
    assertThat(store.listEnded(NOW.plus(Duration.ofDays(40)), 10)).containsExactly(marks.get(2));
  }

  @Test
  void replaceEachRefusesEachStaleOrAbsentSessionAndAppliesTheRest() {
    SessionStore store = newStore();
    StoredSession current = open("t1", "csn_1").version(2).build();
    StoredSession stale = open("t1", "csn_2").version(3).build();
    StoredSession alsoCurrent = open("t1", "csn_3").build();
    store.insert(current);
    store.insert(stale);
    store.insert(alsoCurrent);
    List<StoredSession> replacements = List.of(
        current.toBuilder().status(SessionStatus.REVOKED).version(3).build(),
        stale.toBuilder().status(SessionStatus.REVOKED).version(3).build(), // expects 2, stored 3
        open("t1", "csn_absent").version(1).build(),
        stale.toBuilder().tenant("t2").version(4).build(), // the right version in another tenant
        alsoCurrent.toBuilder().status(SessionStatus.COMPLETED).version(1).build());
    assertThat(store.replaceEach(replacements)).containsExactly(true, false, false, false, true);
    assertThat(store.find("t1", "csn_1")).contains(replacements.get(0));
    assertThat(store.find("t1", "csn_2")).contains(stale);
    assertThat(store.find("t1", "csn_absent")).isEmpty();
    assertThat(store.find("t2", "csn_2")).isEmpty();
    assertThat(store.find("t1", "csn_3")).contains(replacements.get(4));
    // Each is its own compare-and-set: the same batch again is refused entry by entry.
    assertThat(store.replaceEach(List.of(replacements.get(0), replacements.get(4)))).containsExactly(false, false);
  }

  @Test
  void replaceEachOfNothingAnswersNothing() {
    SessionStore store = newStore();
    assertThat(store.replaceEach(List.of())).isEmpty();
  }

  @Test
  void replaceEachRejectsTwoReplacementsOfOneSessionAndVersionZero() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").build();
    store.insert(s);
    StoredSession next = s.toBuilder().status(SessionStatus.REVOKED).version(1).build();
    assertThatThrownBy(() -> store.replaceEach(List.of(next, next.toBuilder().version(2).build())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.replaceEach(List.of(s))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.replaceEach(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.replaceEach(Arrays.asList(next, null))).isInstanceOf(NullPointerException.class);
    assertThat(store.find("t1", "csn_1")).contains(s);
  }

  // ---- consume -------------------------------------------------------------------------------------------

  @Test
  void consumesOnceAndReturnsWhatItStored() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").build();
    store.insert(s);
    StoredSession expected = s.consumedAs(SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW);
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW)).contains(expected);
    assertThat(store.find("t1", "csn_1")).contains(expected);
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW)).isEmpty();
    Instant later = NOW.plusSeconds(1);
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.LOGIN_REQUIRED, BROWSER, redemption(later), later))
        .isEmpty();
    assertThat(store.find("t1", "csn_1")).contains(expected);
  }

  @Test
  void consumesASessionAsFoundOnceAndReturnsWhatItStored() {
    SessionStore store = newStore();
    store.insert(open("t1", "csn_1").build());
    StoredSession found = store.find("t1", "csn_1").orElseThrow();
    StoredSession expected = found.consumedAs(SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW);
    assertThat(store.consume(found, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW)).contains(expected);
    assertThat(store.find("t1", "csn_1")).contains(expected);
    // The same row as found before: consumed since, so a replay changes nothing.
    Instant later = NOW.plusSeconds(1);
    assertThat(store.consume(found, SessionStatus.LOGIN_REQUIRED, BROWSER, redemption(later), later)).isEmpty();
    assertThat(store.find("t1", "csn_1")).contains(expected);
    assertThatThrownBy(() -> store.consume(expected, SessionStatus.OPEN, BROWSER, redemption(later), later))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void consumeOfASessionChangedSinceFoundAnswersForTheStoredOne() {
    SessionStore store = newStore();
    store.insert(open("t1", "csn_1").build());
    store.insert(open("t1", "csn_2").build());
    StoredSession found = store.find("t1", "csn_1").orElseThrow();
    StoredSession changed = found.toBuilder().metadata(Map.of("k", "v")).version(found.version() + 1).build();
    assertThat(store.replace(changed, found.version())).isTrue();
    // Still consumable: the stored version is consumed, not the one found.
    StoredSession expected = changed.consumedAs(SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW);
    assertThat(store.consume(found, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW)).contains(expected);
    assertThat(store.find("t1", "csn_1")).contains(expected);
    // Reminted since: the generation found is no longer the stored one.
    StoredSession other = store.find("t1", "csn_2").orElseThrow();
    StoredSession reminted = other.toBuilder().tokenGeneration(2).tokenDigest("dgst_2").version(other.version() + 1)
        .build();
    assertThat(store.replace(reminted, other.version())).isTrue();
    assertThat(store.consume(other, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW)).isEmpty();
    assertThat(store.find("t1", "csn_2")).contains(reminted);
    // Expired at now, as found: nothing changes.
    Instant late = reminted.expiresAt();
    assertThat(store.consume(reminted, SessionStatus.ACTIVE, BROWSER, redemption(late), late)).isEmpty();
    assertThat(store.find("t1", "csn_2")).contains(reminted);
  }

  @Test
  void keepsNanosecondsOfNow() {
    SessionStore store = newStore();
    store.insert(open("t1", "csn_1").build());
    Instant now = NOW.plusNanos(987_654_321);
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.LOGIN_REQUIRED, BROWSER, redemption(now), now))
        .map(StoredSession::modifiedAt).contains(now);
    assertThat(store.find("t1", "csn_1")).map(StoredSession::modifiedAt).contains(now);
  }

  @Test
  void refusesAnotherTokenGeneration() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").tokenGeneration(2).build();
    store.insert(s);
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW)).isEmpty();
    assertThat(store.consume("t1", "csn_1", 3, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW)).isEmpty();
    assertThat(store.find("t1", "csn_1")).contains(s);
    assertThat(store.consume("t1", "csn_1", 2, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW)).isPresent();
  }

  @Test
  void refusesAtAndAfterExpiresAtButNotJustBefore() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").build();
    store.insert(s);
    for (Instant late : List.of(s.expiresAt(), s.expiresAt().plusSeconds(5))) {
      assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, redemption(late), late)).isEmpty();
    }
    assertThat(store.find("t1", "csn_1")).contains(s);
    Instant justBefore = s.expiresAt().minusNanos(1);
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, redemption(justBefore), justBefore))
        .contains(s.consumedAs(SessionStatus.ACTIVE, BROWSER, redemption(justBefore), justBefore));
  }

  @Test
  void refusesEveryStatusButOpen() {
    SessionStore store = newStore();
    for (SessionStatus status : SessionStatus.values()) {
      if (status != SessionStatus.OPEN) {
        StoredSession s = open("t1", status.name()).status(status).build();
        store.insert(s);
        assertThat(store.consume("t1", status.name(), 1, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW))
            .as("%s", status).isEmpty();
        assertThat(store.find("t1", status.name())).contains(s);
      }
    }
  }

  @Test
  void refusesAbsentSessionsAndOpenAsNewStatus() {
    SessionStore store = newStore();
    assertThat(store.consume("t1", "nope", 1, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW)).isEmpty();
    StoredSession s = open("t1", "csn_1").build();
    store.insert(s);
    assertThatThrownBy(() -> store.consume("t1", "csn_1", 1, SessionStatus.OPEN, BROWSER, redemption(NOW), NOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.find("t1", "csn_1")).contains(s);
  }

  @Test
  void aRemintedTokenGenerationCanBeConsumedAgain() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").singleUse(true).build();
    store.insert(s);
    StoredSession consumed =
        store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW).orElseThrow();
    // Reopened as the engine does: the link's deadline again, the log of the undone redemption dropped.
    StoredSession reminted = consumed.toBuilder().status(SessionStatus.OPEN).accessLog(List.of())
        .expiresAt(consumed.clocks().linkExpiresAt()).tokenGeneration(2).tokenDigest("dgst_2")
        .version(consumed.version() + 1).build();
    assertThat(store.replace(reminted, consumed.version())).isTrue();
    Instant later = NOW.plusSeconds(1);
    var again = new AccessRecord(AccessRecord.Step.RECOVERED, later, "198.51.100.0/24", "Second/2.0");
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, again, later)).isEmpty();
    StoredSession expected = reminted.consumedAs(SessionStatus.ACTIVE, BROWSER, again, later);
    assertThat(store.consume("t1", "csn_1", 2, SessionStatus.ACTIVE, BROWSER, again, later)).contains(expected);
    assertThat(expected.accessLog()).containsExactly(again);
    assertThat(store.find("t1", "csn_1")).contains(expected);
  }

  @Test
  void consumeStartsTheSecondClockAndWritesTheAccessLog() {
    SessionStore store = newStore();
    Instant link = baseTime().plus(Duration.ofDays(7));
    var clocks = new SessionClocks(link, Duration.ofMinutes(5), Duration.ofMinutes(30));
    StoredSession s = open("t1", "csn_1").expiresAt(link).clocks(clocks).build();
    store.insert(s);
    var access = new AccessRecord(AccessRecord.Step.REDEEMED, NOW, "2001:db8:1::/48", "Mozilla/5.0 (X11)");
    StoredSession consumed =
        store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, access, NOW).orElseThrow();
    assertThat(consumed.expiresAt()).as("30 minutes in the page, not 7 days")
        .isEqualTo(NOW.plus(Duration.ofMinutes(30)));
    assertThat(consumed.clocks()).isEqualTo(clocks);
    assertThat(consumed.accessLog()).containsExactly(access);
    assertThat(consumed).isEqualTo(s.consumedAs(SessionStatus.ACTIVE, BROWSER, access, NOW));
    assertThat(store.find("t1", "csn_1")).contains(consumed);
  }

  @Test
  void consumeCanMoveExpiresAtLaterThanTheLinkDeadline() {
    SessionStore store = newStore();
    Instant link = NOW.plusSeconds(1);
    var clocks = new SessionClocks(link, Duration.ofSeconds(1), Duration.ofDays(30).plusNanos(7));
    StoredSession s = open("t1", "csn_1").expiresAt(link).clocks(clocks).build();
    store.insert(s);
    Instant now = NOW.plusNanos(999_999_999);
    StoredSession consumed =
        store.consume("t1", "csn_1", 1, SessionStatus.LOGIN_REQUIRED, null, redemption(now), now).orElseThrow();
    assertThat(consumed.expiresAt()).isEqualTo(now.plus(Duration.ofDays(30)).plusNanos(7));
    assertThat(store.find("t1", "csn_1")).contains(s.consumedAs(SessionStatus.LOGIN_REQUIRED, null,
        redemption(now), now));
  }

  @Test
  void consumeOfDerivedClocksGivesTheSessionItsLifetimeAgain() {
    SessionStore store = newStore();
    StoredSession s = open("t1", "csn_1").build(); // an hour, derived clocks
    store.insert(s);
    StoredSession consumed =
        store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW).orElseThrow();
    assertThat(consumed.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
    assertThat(consumed.clocks()).isEqualTo(SessionClocks.single(s.createdAt(), s.expiresAt()));
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

  // ---- listByUser ----------------------------------------------------------------------------------------

  private static StoredSession.Builder ofUser(String tenant, String id, String userId) {
    return open(tenant, id).subject(new Subject.ExistingUser(userId));
  }

  private static List<StoredSession> listAllOfUser(SessionStore store, String tenant, String userId, int limit) {
    var all = new ArrayList<StoredSession>();
    String cursor = null;
    int pages = 0;
    do {
      SessionPage page = store.listByUser(tenant, userId, cursor, limit);
      assertThat(page.sessions()).hasSizeLessThanOrEqualTo(limit);
      if (page.nextCursor() != null) {
        assertThat(page.sessions()).as("a page with a cursor is full, limit %d", limit).hasSize(limit);
      }
      all.addAll(page.sessions());
      cursor = page.nextCursor();
    } while (cursor != null && ++pages < 100);
    return all;
  }

  @Test
  void listsOneUsersSessionsInEveryStatusInIdOrder() {
    SessionStore store = newStore();
    var mine = new ArrayList<StoredSession>();
    for (SessionStatus status : SessionStatus.values()) {
      StoredSession s = ofUser("t1", "csn_" + status.ordinal(), "usr_1").status(status).build();
      store.insert(s);
      mine.add(s);
    }
    StoredSession expired = ofUser("t1", "csn_old", "usr_1").createdAt(baseTime().minus(Duration.ofDays(3)))
        .modifiedAt(baseTime().minus(Duration.ofDays(3))).expiresAt(baseTime().minus(Duration.ofDays(2))).build();
    store.insert(expired);
    mine.add(expired);
    store.insert(ofUser("t1", "csn_1a", "usr_2").build());
    store.insert(ofUser("t1", "csn_1b", "USR_1").build());
    store.insert(ofUser("t1", "csn_1c", "usr_1 ").build());
    store.insert(ofUser("t2", "csn_1d", "usr_1").build());
    store.insert(open("t1", "csn_1e").build());
    store.insert(open("t1", "csn_1f").subject(new Subject.NewUser(UserDetails.ofEmail("usr_1@shop.example")))
        .build());
    List<StoredSession> sorted = mine.stream().sorted(Comparator.comparing(StoredSession::id)).toList();
    for (int limit = 1; limit <= sorted.size() + 1; limit++) {
      assertThat(listAllOfUser(store, "t1", "usr_1", limit)).as("limit %d", limit).isEqualTo(sorted);
    }
    assertThat(store.listByUser("t1", "usr_1", null, sorted.size()))
        .isEqualTo(new SessionPage(sorted, null));
    assertThat(store.listByUser("t1", "usr_1", null, sorted.size() - 1).nextCursor()).isNotNull();
    assertThat(store.listByUser("t1", "usr_3", null, 10)).isEqualTo(new SessionPage(List.of(), null));
    assertThat(store.listByUser("t3", "usr_1", null, 10)).isEqualTo(new SessionPage(List.of(), null));
  }

  @Test
  void aSubjectChangedByReplaceMovesBetweenUsers() {
    SessionStore store = newStore();
    StoredSession anonymous = open("t1", "csn_1").build();
    store.insert(anonymous);
    assertThat(store.listByUser("t1", "usr_1", null, 10).sessions()).isEmpty();
    // What happens on sign-in: the anonymous session gets its user.
    StoredSession signedIn = anonymous.toBuilder().subject(new Subject.ExistingUser("usr_1"))
        .status(SessionStatus.ACTIVE).version(1).build();
    assertThat(store.replace(signedIn, 0)).isTrue();
    assertThat(store.listByUser("t1", "usr_1", null, 10).sessions()).containsExactly(signedIn);
    StoredSession moved = signedIn.toBuilder().subject(new Subject.ExistingUser("usr_2")).version(2).build();
    assertThat(store.replace(moved, 1)).isTrue();
    assertThat(store.listByUser("t1", "usr_1", null, 10).sessions()).isEmpty();
    assertThat(store.listByUser("t1", "usr_2", null, 10).sessions()).containsExactly(moved);
    // A stale replace changes nothing, in the index either.
    assertThat(store.replace(signedIn.toBuilder().version(2).build(), 1)).isFalse();
    assertThat(store.listByUser("t1", "usr_1", null, 10).sessions()).isEmpty();
    StoredSession newUser = moved.toBuilder().subject(new Subject.NewUser(UserDetails.ofEmail("a@shop.example")))
        .version(3).build();
    assertThat(store.replace(newUser, 2)).isTrue();
    assertThat(store.listByUser("t1", "usr_2", null, 10).sessions()).isEmpty();
    StoredSession consumedUser = open("t1", "csn_2").subject(new Subject.ExistingUser("usr_2")).build();
    store.insert(consumedUser);
    StoredSession consumed = store.consume("t1", "csn_2", 1, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW)
        .orElseThrow();
    assertThat(store.listByUser("t1", "usr_2", null, 10).sessions()).containsExactly(consumed);
  }

  @Test
  void deletedSessionsLeaveTheirUsersList() {
    SessionStore store = newStore();
    StoredSession old = ofUser("t1", "a", "usr_1").createdAt(baseTime().minusSeconds(7200))
        .modifiedAt(baseTime().minusSeconds(7200)).expiresAt(baseTime().minusSeconds(3600)).build();
    StoredSession live = ofUser("t1", "b", "usr_1").build();
    store.insert(old);
    store.insert(live);
    SessionPage first = store.listByUser("t1", "usr_1", null, 1);
    assertThat(first.sessions()).containsExactly(old);
    assertThat(store.deleteExpired(baseTime(), 10)).isEqualTo(1);
    assertThat(store.listByUser("t1", "usr_1", null, 10).sessions()).containsExactly(live);
    assertThat(store.listByUser("t1", "usr_1", first.nextCursor(), 10).sessions()).containsExactly(live);
    // The id can be used again, by another user.
    StoredSession again = ofUser("t1", "a", "usr_2").build();
    store.insert(again);
    assertThat(store.listByUser("t1", "usr_1", null, 10).sessions()).containsExactly(live);
    assertThat(store.listByUser("t1", "usr_2", null, 10).sessions()).containsExactly(again);
  }

  @Test
  void listByUserRejectsALimitBelowOne() {
    SessionStore store = newStore();
    assertThatThrownBy(() -> store.listByUser("t1", "usr_1", null, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- listEnded -----------------------------------------------------------------------------------------

  /** A session of {@code status} whose lifetime ends at {@code expiresAt}. */
  private static StoredSession endingAt(String tenant, String id, SessionStatus status, Instant expiresAt) {
    return open(tenant, id).status(status).createdAt(expiresAt.minusSeconds(3600))
        .modifiedAt(expiresAt.minusSeconds(3600)).expiresAt(expiresAt).build();
  }

  @Test
  void listsNonTerminalSessionsWhoseLifetimeEnded() {
    SessionStore store = newStore();
    var ended = new ArrayList<StoredSession>();
    for (SessionStatus status : SessionStatus.values()) {
      StoredSession s = endingAt("t1", "ended_" + status, status, NOW.minusSeconds(status.ordinal() + 1));
      store.insert(s);
      if (!status.isTerminal()) {
        ended.add(s);
      }
      store.insert(endingAt("t1", "live_" + status, status, NOW.plusNanos(1)));
    }
    StoredSession atNow = endingAt("t2", "at_now", SessionStatus.ACTIVE, NOW);
    store.insert(atNow);
    ended.add(atNow);
    assertThat(store.listEnded(NOW, 100)).containsExactlyInAnyOrderElementsOf(ended);
    assertThat(store.listEnded(NOW.minusNanos(1), 100)).doesNotContain(atNow).hasSize(ended.size() - 1);
    assertThat(store.listEnded(NOW.minus(Duration.ofDays(1)), 100)).isEmpty();
    assertThat(store.listEnded(NOW.plusNanos(1), 100)).hasSize(ended.size() + 3);
  }

  @Test
  void listEndedReturnsAtMostLimitAcrossTenantsUntilAllAreMarked() {
    SessionStore store = newStore();
    var ended = new ArrayList<StoredSession>();
    for (int i = 0; i < 7; i++) {
      StoredSession s = endingAt("t" + (i % 3), "csn_" + i, SessionStatus.values()[i % 3], NOW.minusSeconds(i));
      store.insert(s);
      ended.add(s);
    }
    var marked = new ArrayList<StoredSession>();
    for (int round = 0; round < 3; round++) {
      List<StoredSession> batch = store.listEnded(NOW, 3);
      assertThat(batch).hasSize(Math.min(3, 7 - marked.size())).doesNotHaveDuplicates().isSubsetOf(ended);
      assertThat(batch).filteredOn(marked::contains).isEmpty();
      for (StoredSession s : batch) {
        // What the engine does with each: mark it EXPIRED by compare-and-set.
        assertThat(store.replace(s.toBuilder().status(SessionStatus.EXPIRED).modifiedAt(NOW)
            .version(s.version() + 1).build(), s.version())).isTrue();
        marked.add(s);
      }
    }
    assertThat(marked).containsExactlyInAnyOrderElementsOf(ended);
    assertThat(store.listEnded(NOW, 3)).isEmpty();
  }

  @Test
  void aSessionLeavesListEndedWhenReplacedToAFinalStatusOrALaterExpiry() {
    SessionStore store = newStore();
    StoredSession completed = endingAt("t1", "completed", SessionStatus.ACTIVE, NOW.minusSeconds(1));
    StoredSession extended = endingAt("t1", "extended", SessionStatus.LOGIN_REQUIRED, NOW.minusSeconds(2));
    StoredSession shortened = endingAt("t1", "shortened", SessionStatus.ACTIVE, NOW.plusSeconds(60));
    store.insert(completed);
    store.insert(extended);
    store.insert(shortened);
    assertThat(store.listEnded(NOW, 10)).containsExactlyInAnyOrder(completed, extended);
    assertThat(store.replace(completed.toBuilder().status(SessionStatus.COMPLETED).version(1).build(), 0)).isTrue();
    StoredSession later = extended.toBuilder().expiresAt(NOW.plusSeconds(1)).version(1).build();
    assertThat(store.replace(later, 0)).isTrue();
    StoredSession earlier = shortened.toBuilder().expiresAt(NOW).version(1).build();
    assertThat(store.replace(earlier, 0)).isTrue();
    assertThat(store.listEnded(NOW, 10)).containsExactly(earlier);
    assertThat(store.listEnded(NOW.plusSeconds(1), 10)).containsExactlyInAnyOrder(earlier, later);
  }

  @Test
  void consumeMovesASessionInOrOutOfListEnded() {
    SessionStore store = newStore();
    Instant link = NOW.plusSeconds(10);
    StoredSession longer = open("t1", "longer").expiresAt(link)
        .clocks(new SessionClocks(link, Duration.ofMinutes(1), Duration.ofHours(1))).build();
    StoredSession shorter = open("t1", "shorter").expiresAt(link)
        .clocks(new SessionClocks(link, Duration.ofMinutes(1), Duration.ofSeconds(5))).build();
    store.insert(longer);
    store.insert(shorter);
    assertThat(store.listEnded(link, 10)).containsExactlyInAnyOrder(longer, shorter);
    StoredSession out = store.consume("t1", "longer", 1, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW)
        .orElseThrow();
    StoredSession in = store.consume("t1", "shorter", 1, SessionStatus.LOGIN_REQUIRED, BROWSER, redemption(NOW),
        NOW).orElseThrow();
    assertThat(store.listEnded(NOW.plusSeconds(5), 10)).containsExactly(in);
    assertThat(store.listEnded(link, 10)).containsExactly(in);
    assertThat(store.listEnded(NOW.plus(Duration.ofHours(1)), 10)).containsExactlyInAnyOrder(in, out);
  }

  @Test
  void deletedSessionsLeaveListEnded() {
    SessionStore store = newStore();
    StoredSession s = endingAt("t1", "csn_1", SessionStatus.OPEN, NOW.minusSeconds(1));
    store.insert(s);
    assertThat(store.listEnded(NOW, 10)).containsExactly(s);
    assertThat(store.deleteExpired(NOW, 10)).isEqualTo(1);
    assertThat(store.listEnded(NOW, 10)).isEmpty();
  }

  @Test
  void listEndedRejectsALimitBelowOne() {
    SessionStore store = newStore();
    assertThatThrownBy(() -> store.listEnded(NOW, 0)).isInstanceOf(IllegalArgumentException.class);
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
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW).orElseThrow()
            .presentation())
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
        int wins = race(pool,
            () -> store.consume("t1", id, 1, SessionStatus.ACTIVE, BROWSER, redemption(NOW), NOW).isPresent());
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

  /** Sweepers on several nodes at once: each ended session is marked {@code EXPIRED} by exactly one of them. */
  @Test
  void concurrentSweepersMarkEachEndedSessionOnce() throws Exception {
    SessionStore store = newStore();
    int sessions = raceRounds();
    for (int i = 0; i < sessions; i++) {
      store.insert(endingAt("t" + (i % 4), "csn_" + i, SessionStatus.values()[i % 3], NOW.minusNanos(i)));
    }
    var marked = ConcurrentHashMap.<String>newKeySet();
    var markedTwice = new AtomicInteger();
    withPool(pool -> race(pool, () -> {
      for (List<StoredSession> batch = store.listEnded(NOW, 5); !batch.isEmpty(); batch = store.listEnded(NOW, 5)) {
        for (StoredSession s : batch) {
          StoredSession expired = s.toBuilder().status(SessionStatus.EXPIRED).version(s.version() + 1).build();
          if (store.replace(expired, s.version()) && !marked.add(s.tenant() + "/" + s.id())) {
            markedTwice.incrementAndGet();
          }
        }
      }
      return true;
    }));
    assertThat(markedTwice.get()).isZero();
    assertThat(marked).hasSize(sessions);
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
        var answers = ConcurrentHashMap.<Long>newKeySet();
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

  /** Any valid session comes back equal, from every method that returns it. */
  @Property(tries = 60)
  void anySessionRoundTrips(@ForAll("anySession") StoredSession session) {
    SessionStore store = newStore();
    store.insert(session);
    assertThat(store.find(session.tenant(), session.id())).contains(session);
    if (session.idempotencyKey() != null) {
      assertThat(store.findByIdempotencyKey(session.tenant(), session.idempotencyKey())).contains(session);
    }
    assertThat(store.list(session.tenant(), null, 1)).isEqualTo(new SessionPage(List.of(session), null));
    if (session.subject() instanceof Subject.ExistingUser user) {
      assertThat(store.listByUser(session.tenant(), user.userId(), null, 1))
          .isEqualTo(new SessionPage(List.of(session), null));
    }
    assertThat(store.listEnded(session.expiresAt(), 1))
        .isEqualTo(session.status().isTerminal() ? List.of() : List.of(session));
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
