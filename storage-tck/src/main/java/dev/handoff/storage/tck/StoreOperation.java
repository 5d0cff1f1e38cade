package dev.handoff.storage.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionPage;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * One step of the model-based property: applied to the adapter and to the {@link ReferenceSessionStore}, it
 * asserts that both answer the same. Operations draw tenants, ids and keys from tiny sets so that sequences
 * collide, conflict and race to the same sessions. Immutable.
 */
sealed interface StoreOperation {
  List<String> TENANTS = List.of("t1", "t2");
  List<String> IDS = List.of("a", "b", "c");
  List<String> KEYS = List.of("k1", "k2");
  /** Users some sessions belong to, so that {@code listByUser} finds several. */
  List<String> USERS = List.of("u1", "u2");
  List<String> COUNTER_KEYS = List.of("c1", "c2");
  /** Instants relative to this, within the range the generated sessions live in. */
  Instant BASE = StoredSessions.baseTime();

  /** Applies this operation to both stores and asserts they agree. */
  void check(SessionStore store, ReferenceSessionStore model);

  /** Random operations, weighted towards the interesting ones. */
  static Arbitrary<StoreOperation> any() {
    Arbitrary<String> tenants = Arbitraries.of(TENANTS);
    Arbitrary<String> ids = Arbitraries.of(IDS);
    Arbitrary<String> keys = Arbitraries.of(KEYS);
    // Mostly open, so that consume has something to redeem; often of one of a few users.
    Arbitrary<StoredSession> sessions = Combinators.combine(
            StoredSessions.sessions(tenants, ids, keys.injectNull(0.4)), Arbitraries.of(true, true, false),
            Arbitraries.of(USERS).injectNull(0.4))
        .as((s, open, user) -> {
          var b = s.toBuilder();
          if (open) {
            b.status(SessionStatus.OPEN).accessLog(List.of());
          }
          if (user != null) {
            b.subject(new Subject.ExistingUser(user));
          }
          return b.build();
        });
    Arbitrary<Instant> instants = Arbitraries.longs().between(-Duration.ofDays(11).toSeconds(),
        Duration.ofDays(13).toSeconds()).map(BASE::plusSeconds);
    // Often exactly at, or a nanosecond around, the expiry of a stored session.
    Arbitrary<Moment> moments = Combinators.combine(Arbitraries.of(true, true, false),
            Arbitraries.integers().between(0, 99), Arbitraries.of(-1L, 0L, 0L, 1L), instants)
        .as(Moment::new);
    return Arbitraries.frequencyOf(
        Tuple.of(4, sessions.map(Insert::new)),
        Tuple.of(2, Combinators.combine(tenants, ids).as(Find::new)),
        Tuple.of(1, Combinators.combine(tenants, keys).as(FindByKey::new)),
        Tuple.of(3, Combinators.combine(sessions, Arbitraries.of(true, true, false),
            Arbitraries.integers().between(0, 99), Arbitraries.of(true, true, false),
            Arbitraries.longs().between(0, 3)).as(Replace::new)),
        Tuple.of(4, Combinators.combine(tenants, ids, Arbitraries.of(true, true, true, false),
            Arbitraries.integers().between(0, 99), Arbitraries.of(0L, 0L, 1L, -1L),
            Arbitraries.of(SessionStatus.ACTIVE, SessionStatus.LOGIN_REQUIRED, SessionStatus.REVOKED),
            Arbitraries.doubles().between(0, 1.25), StoredSessions.accessRecords())
            .as(Consume::new)),
        Tuple.of(2, Combinators.combine(Arbitraries.integers().between(0, 99),
            Arbitraries.of(SessionStatus.ACTIVE, SessionStatus.LOGIN_REQUIRED), Arbitraries.doubles().between(0, 1.25),
            StoredSessions.accessRecords()).as(ConsumeFound::new)),
        Tuple.of(2, Combinators.combine(tenants, ids).as(Remint::new)),
        Tuple.of(1, Combinators.combine(tenants, Arbitraries.integers().between(1, 3))
            .as(ListAll::new)),
        Tuple.of(2, Combinators.combine(tenants, Arbitraries.of(USERS), Arbitraries.integers().between(1, 3))
            .as(ListByUser::new)),
        Tuple.of(2, Combinators.combine(moments, Arbitraries.integers().between(1, 4)).as(ListEnded::new)),
        Tuple.of(1, Combinators.combine(moments, Arbitraries.integers().between(1, 4)).as(MarkEnded::new)),
        Tuple.of(2, Combinators.combine(Arbitraries.integers().between(0, 99), Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, 7), Arbitraries.of(SessionStatus.EXPIRED, SessionStatus.REVOKED,
                SessionStatus.ACTIVE)).as(ReplaceEach::new)),
        Tuple.of(1, Combinators.combine(instants, Arbitraries.integers().between(1, 4))
            .as(DeleteExpired::new)),
        Tuple.of(3, Combinators.combine(tenants, Arbitraries.of(COUNTER_KEYS), Arbitraries.integers().between(0, 60),
            Arbitraries.integers().between(1, 30)).as(IncrementCounter::new)));
  }

  /** Runs {@code action}, turning a {@link HandoffException} into its code so that outcomes can be compared. */
  private static Object outcome(Supplier<?> action) {
    try {
      return action.get();
    } catch (HandoffException e) {
      return e.code();
    }
  }

  /** {@code insert(session)}. */
  record Insert(StoredSession session) implements StoreOperation {
    @Override
    public void check(SessionStore store, ReferenceSessionStore model) {
      Object expected = outcome(() -> {
        model.insert(session);
        return "inserted";
      });
      Object actual = outcome(() -> {
        store.insert(session);
        return "inserted";
      });
      assertThat(actual).as("insert %s", session).isEqualTo(expected);
    }
  }

  /** {@code find(tenant, id)}. */
  record Find(String tenant, String id) implements StoreOperation {
    @Override
    public void check(SessionStore store, ReferenceSessionStore model) {
      assertThat(store.find(tenant, id)).as("find %s/%s", tenant, id).isEqualTo(model.find(tenant, id));
    }
  }

  /** {@code findByIdempotencyKey(tenant, key)}. */
  record FindByKey(String tenant, String key) implements StoreOperation {
    @Override
    public void check(SessionStore store, ReferenceSessionStore model) {
      assertThat(store.findByIdempotencyKey(tenant, key)).as("findByIdempotencyKey %s/%s", tenant, key)
          .isEqualTo(model.findByIdempotencyKey(tenant, key));
    }
  }

  /**
   * {@code replace}: the template's content under the identity of a stored session (picked among those the model
   * holds, or the template's own), against the current version or a stale one. The idempotency key is kept, since
   * moving it is not part of the contract.
   */
  record Replace(StoredSession template, boolean storedSession, int pick, boolean currentVersion,
      long staleVersion) implements StoreOperation {
    @Override
    public void check(SessionStore store, ReferenceSessionStore model) {
      List<StoredSession> all = model.all();
      // Mostly a session the model holds, so that most replacements can succeed (and move it between users).
      StoredSession current = storedSession && !all.isEmpty()
          ? all.get(pick % all.size()) : model.find(template.tenant(), template.id()).orElse(null);
      StoredSession template = current == null ? this.template
          : this.template.toBuilder().tenant(current.tenant()).id(current.id()).build();
      long expected = current != null && currentVersion ? current.version() : staleVersion;
      StoredSession replacement;
      if (current == null) {
        replacement = template.toBuilder().version(expected + 1).build();
      } else {
        Instant expiresAt = template.expiresAt().isAfter(current.createdAt())
            ? template.expiresAt() : current.createdAt().plusSeconds(1);
        replacement = template.toBuilder()
            .createdAt(current.createdAt())
            .expiresAt(expiresAt)
            .idempotency(current.idempotencyKey(), current.requestFingerprint())
            .version(expected + 1)
            .build();
      }
      boolean modelAnswer = model.replace(replacement, expected);
      assertThat(store.replace(replacement, expected)).as("replace %s expecting version %d", replacement, expected)
          .isEqualTo(modelAnswer);
    }
  }

  /**
   * {@code consume} of a stored session (picked among those the model holds) or of the given tenant and id,
   * with the current token generation or an older or newer one, at an instant placed relative to the session's
   * lifetime (0 = createdAt, 1 = expiresAt), so that most calls could succeed and many must not. Never before
   * {@code createdAt}, as the engine's clock: a session redeemed then would end before it began.
   */
  record Consume(String tenant, String id, boolean storedSession, int pick, long generationOffset,
      SessionStatus newStatus, double lifetimeShare, AccessRecord accessTemplate) implements StoreOperation {
    @Override
    public void check(SessionStore store, ReferenceSessionStore model) {
      List<StoredSession> all = model.all();
      StoredSession current = storedSession && !all.isEmpty()
          ? all.get(pick % all.size()) : model.find(tenant, id).orElse(null);
      String targetTenant = current == null ? tenant : current.tenant();
      String targetId = current == null ? id : current.id();
      long generation = current == null ? 1 : current.tokenGeneration() + generationOffset;
      Instant now = current == null ? BASE : current.createdAt().plusNanos((long) (lifetimeShare
          * Duration.between(current.createdAt(), current.expiresAt()).toNanos()));
      var browser = new BrowserBinding("browser-" + pick, now, now);
      var access = new AccessRecord(accessTemplate.step(), now, accessTemplate.clientAddress(),
          accessTemplate.userAgent());
      assertThat(store.consume(targetTenant, targetId, generation, newStatus, browser, access, now))
          .as("consume %s/%s generation %d at %s", targetTenant, targetId, generation, now)
          .isEqualTo(model.consume(targetTenant, targetId, generation, newStatus, browser, access, now));
    }
  }

  /**
   * {@code consume(found, ...)} of a session as the store finds it (picked among those the model holds), at an
   * instant placed relative to its lifetime; the answer must be the plain {@code consume}'s.
   */
  record ConsumeFound(int pick, SessionStatus newStatus, double lifetimeShare, AccessRecord accessTemplate)
      implements StoreOperation {
    @Override
    public void check(SessionStore store, ReferenceSessionStore model) {
      List<StoredSession> all = model.all();
      if (all.isEmpty()) {
        return;
      }
      StoredSession picked = all.get(pick % all.size());
      StoredSession found = store.find(picked.tenant(), picked.id()).orElseThrow();
      Instant now = found.createdAt().plusNanos((long) (lifetimeShare
          * Duration.between(found.createdAt(), found.expiresAt()).toNanos()));
      var browser = new BrowserBinding("found-" + pick, now, now);
      var access = new AccessRecord(accessTemplate.step(), now, accessTemplate.clientAddress(),
          accessTemplate.userAgent());
      assertThat(store.consume(found, newStatus, browser, access, now))
          .as("consume %s as found at %s", found, now)
          .isEqualTo(model.consume(found.tenant(), found.id(), found.tokenGeneration(), newStatus, browser, access,
              now));
    }
  }

  /** What the engine does to send a new link: reopen the session with the next token generation. */
  record Remint(String tenant, String id) implements StoreOperation {
    @Override
    public void check(SessionStore store, ReferenceSessionStore model) {
      model.find(tenant, id).ifPresent(current -> {
        StoredSession reminted = current.toBuilder().status(SessionStatus.OPEN).accessLog(List.of())
            .tokenGeneration(current.tokenGeneration() + 1).tokenDigest("dgst_" + (current.tokenGeneration() + 1))
            .version(current.version() + 1).build();
        boolean modelAnswer = model.replace(reminted, current.version());
        assertThat(store.replace(reminted, current.version())).as("remint %s", reminted).isEqualTo(modelAnswer);
      });
    }
  }

  /** Every page of {@code list(tenant, ...)}, page by page. */
  record ListAll(String tenant, int limit) implements StoreOperation {
    @Override
    public void check(SessionStore store, ReferenceSessionStore model) {
      comparePages("list " + tenant, limit, (s, cursor) -> s.list(tenant, cursor, limit), store, model);
    }
  }

  /** Every page of {@code listByUser(tenant, user, ...)}, page by page. */
  record ListByUser(String tenant, String user, int limit) implements StoreOperation {
    @Override
    public void check(SessionStore store, ReferenceSessionStore model) {
      comparePages("listByUser " + tenant + "/" + user, limit,
          (s, cursor) -> s.listByUser(tenant, user, cursor, limit), store, model);
    }
  }

  /** Pages through both stores with {@code page}, asserting equal pages and the last page in the same place. */
  private static void comparePages(String what, int limit, BiFunction<SessionStore, String, SessionPage> page,
      SessionStore store, ReferenceSessionStore model) {
    String storeCursor = null;
    String modelCursor = null;
    for (int n = 0; n < 100; n++) {
      SessionPage actual = page.apply(store, storeCursor);
      SessionPage expected = page.apply(model, modelCursor);
      assertThat(actual.sessions()).as("page %d of %s by %d", n, what, limit).isEqualTo(expected.sessions());
      assertThat(actual.nextCursor() == null).as("last page? page %d of %s by %d", n, what, limit)
          .isEqualTo(expected.nextCursor() == null);
      if (expected.nextCursor() == null) {
        return;
      }
      storeCursor = actual.nextCursor();
      modelCursor = expected.nextCursor();
    }
    throw new AssertionError("more than 100 pages");
  }

  /**
   * An instant for {@code listEnded}: the expiry of a stored session (picked among those the model holds) moved by
   * {@code offsetNanos}, or {@code otherwise}.
   */
  record Moment(boolean atStoredExpiry, int pick, long offsetNanos, Instant otherwise) {
    Instant in(ReferenceSessionStore model) {
      List<StoredSession> all = model.all();
      return atStoredExpiry && !all.isEmpty()
          ? all.get(pick % all.size()).expiresAt().plusNanos(offsetNanos) : otherwise;
    }
  }

  /**
   * {@code listEnded(now, limit)}: which of the ended sessions come back is the store's choice, so it must return
   * as many as the limit allows, each ended and equal to the model's, none twice.
   */
  record ListEnded(Moment moment, int limit) implements StoreOperation {
    @Override
    public void check(SessionStore store, ReferenceSessionStore model) {
      checkEnded(store, model, moment.in(model), limit);
    }
  }

  /** What a sweeping engine does: {@code listEnded}, then each session marked {@code EXPIRED} by compare-and-set. */
  record MarkEnded(Moment moment, int limit) implements StoreOperation {
    @Override
    public void check(SessionStore store, ReferenceSessionStore model) {
      Instant now = moment.in(model);
      for (StoredSession ended : checkEnded(store, model, now, limit)) {
        StoredSession expired = ended.toBuilder().status(SessionStatus.EXPIRED).modifiedAt(now)
            .version(ended.version() + 1).build();
        boolean modelAnswer = model.replace(expired, ended.version());
        assertThat(store.replace(expired, ended.version())).as("mark %s expired", ended).isEqualTo(modelAnswer);
      }
    }
  }

  /**
   * {@code replaceEach}: {@code count} distinct sessions the model holds (from {@code pick} on), each moved to
   * {@code status}, against its current version or (where bit i of {@code staleMask} is set) a stale one, plus an
   * absent session when {@code count} exceeds what the model holds; the answers must be the model's, which calls
   * {@code replace} one by one.
   */
  record ReplaceEach(int pick, int count, int staleMask, SessionStatus status) implements StoreOperation {
    @Override
    public void check(SessionStore store, ReferenceSessionStore model) {
      List<StoredSession> all = model.all();
      var replacements = new ArrayList<StoredSession>();
      for (int i = 0; i < Math.min(count, all.size()); i++) {
        StoredSession current = all.get((pick + i) % all.size());
        long expected = (staleMask & (1 << i)) != 0 ? current.version() + 1 : current.version();
        replacements.add(current.toBuilder().status(status)
            .version(expected + 1).build());
      }
      if (count > all.size()) {
        replacements.add(StoredSessions.open("t1", "absent").version(1).build());
      }
      List<Boolean> modelAnswer = model.replaceEach(replacements);
      assertThat(store.replaceEach(replacements)).as("replaceEach %s", replacements).isEqualTo(modelAnswer);
    }
  }

  private static List<StoredSession> checkEnded(SessionStore store, ReferenceSessionStore model, Instant now,
      int limit) {
    List<StoredSession> expected = model.listEnded(now, Integer.MAX_VALUE);
    List<StoredSession> actual = store.listEnded(now, limit);
    assertThat(actual).as("listEnded(%s, %d) of %s", now, limit, expected)
        .hasSize(Math.min(limit, expected.size()))
        .doesNotHaveDuplicates()
        .isSubsetOf(expected);
    return actual;
  }

  /**
   * {@code deleteExpired(before, limit)}: which of the candidates go is the store's choice, so the model
   * follows the store after checking that the count is right and that only candidates went.
   */
  record DeleteExpired(Instant before, int limit) implements StoreOperation {
    @Override
    public void check(SessionStore store, ReferenceSessionStore model) {
      List<StoredSession> all = model.all();
      long candidates = all.stream().filter(s -> s.expiresAt().isBefore(before)).count();
      int deleted = store.deleteExpired(before, limit);
      assertThat(deleted).as("deleteExpired(%s, %d) of %d candidates", before, limit, candidates)
          .isEqualTo((int) Math.min(limit, candidates));
      var gone = new ArrayList<StoredSession>();
      for (StoredSession s : all) {
        if (store.find(s.tenant(), s.id()).isEmpty()) {
          assertThat(s.expiresAt()).as("deleted %s although not expired before %s", s, before).isBefore(before);
          gone.add(s);
        }
      }
      assertThat(gone).as("sessions gone after deleting %d", deleted).hasSize(deleted);
      gone.forEach(s -> model.remove(s.tenant(), s.id()));
    }
  }

  /**
   * {@code incrementCounter} at {@link StoredSessions#counterTime()} plus {@code nowSeconds}, starting windows of
   * {@code windowSeconds}; instants jump back and forth, so windows end, restart and overlap.
   */
  record IncrementCounter(String tenant, String key, int nowSeconds, int windowSeconds) implements StoreOperation {
    @Override
    public void check(SessionStore store, ReferenceSessionStore model) {
      Instant now = StoredSessions.counterTime().plusSeconds(nowSeconds);
      Instant windowEnd = now.plusSeconds(windowSeconds);
      assertThat(store.incrementCounter(tenant, key, windowEnd, now))
          .as("incrementCounter %s/%s at +%ds until +%ds", tenant, key, nowSeconds, nowSeconds + windowSeconds)
          .isEqualTo(model.incrementCounter(tenant, key, windowEnd, now));
    }
  }

  /**
   * Asserts that {@code store} holds exactly what {@code model} holds, through {@code list}, {@code listByUser} and
   * {@code find}.
   */
  static void assertSameContent(SessionStore store, ReferenceSessionStore model) {
    for (String tenant : TENANTS) {
      new ListAll(tenant, 10).check(store, model);
      for (String user : USERS) {
        new ListByUser(tenant, user, 10).check(store, model);
      }
      for (String id : IDS) {
        new Find(tenant, id).check(store, model);
      }
      for (String key : KEYS) {
        new FindByKey(tenant, key).check(store, model);
      }
    }
  }
}
