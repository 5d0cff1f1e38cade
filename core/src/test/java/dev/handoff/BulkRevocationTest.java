package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.UserDetails;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Revoking every session of a user or of a tenant in one call, on every store. */
class BulkRevocationTest {
  private final TestEngines t = new TestEngines();
  private final List<SessionEvent> events = new CopyOnWriteArrayList<>();
  @TempDir
  Path tempDir;
  private StoreKind.Database database;
  private InterceptedStore store;
  private Handoff engine;

  private void open(StoreKind kind) {
    database = kind.open(t, tempDir);
    store = new InterceptedStore(database.node());
    engine = Handoff.builder().store(store).userDirectory(t.users).keys(t.keys).clock(t.clock)
        .hostedPageUrl(TestEngines.BASE_URL).intents(TestEngines.INTENTS).defaultTtl(Duration.ofMinutes(10))
        .listener(events::add).build();
    t.users.add("p1", "usr_a", "ann@example.com");
    t.users.add("p1", "usr_b", "bob@example.com");
    t.users.add("p2", "usr_a", "ann@example.org");
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  private String create(String tenant, String user) {
    return engine.create(checkout(tenant).user(user).build()).session().id();
  }

  private Redemption createAndRedeem(String tenant, String user) {
    return engine.redeem(engine.create(checkout(tenant).user(user).build()).token().orElseThrow());
  }

  private List<String> revokedIds() {
    return events.stream().filter(e -> e.type() == SessionEvent.Type.REVOKED).map(e -> e.session().id()).toList();
  }

  private static void assertCode(ErrorCode code, Runnable action) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void revokesTheSessionsOfOneUserInOneTenantOnly(StoreKind kind) {
    open(kind);
    // Ended, but recoverable by email until deleted: revoking them too keeps recovery from bringing them back.
    String expired = engine.create(checkout("p1").user("usr_a").ttl(Duration.ofMinutes(1)).build()).session().id();
    t.clock.advance(Duration.ofMinutes(2));
    Redemption signedOut = createAndRedeem("p1", "usr_a");
    engine.logout(signedOut.browserSecret());
    var openLink = engine.create(checkout("p1").user("usr_a").build());
    Redemption active = createAndRedeem("p1", "usr_a");
    String completed = createAndRedeem("p1", "usr_a").session().id();
    engine.complete("p1", completed);
    // A user given as details becomes usr_c on redemption; the revocation must find it under that id.
    var provisioned = engine.redeem(engine.create(checkout("p1")
        .userDetails(new UserDetails("cy@example.com", "Cy", Map.of())).build()).token().orElseThrow());
    String otherUser = create("p1", "usr_b");
    String otherTenant = create("p2", "usr_a");
    String anonymous = engine.create(checkout("p1").build()).session().id();
    events.clear();

    assertThat(engine.revokeAllOfUser("p1", "usr_a")).isEqualTo(4);

    assertThat(revokedIds()).containsExactlyInAnyOrder(openLink.session().id(), active.session().id(), expired,
        signedOut.session().id());
    assertThat(engine.get("p1", expired).status()).isEqualTo(SessionStatus.REVOKED);
    assertThat(engine.get("p1", completed).status()).isEqualTo(SessionStatus.COMPLETED);
    for (String untouched : List.of(otherUser, anonymous)) {
      assertThat(engine.get("p1", untouched).status()).isEqualTo(SessionStatus.OPEN);
    }
    assertThat(engine.get("p2", otherTenant).status()).isEqualTo(SessionStatus.OPEN);
    // Revoked means unusable: the link and the browser session stop working.
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.redeem(openLink.token().orElseThrow()));
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(active.browserSecret()));

    String provisionedUser = provisioned.session().userId().orElseThrow();
    assertThat(engine.revokeAllOfUser("p1", provisionedUser)).isEqualTo(1);
    assertThat(engine.revokeAllOfUser("p1", "usr_a")).as("idempotent").isZero();
    assertThat(engine.revokeAllOfUser("p1", "usr_nobody")).isZero();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void revokesAWholeTenantAcrossPages(StoreKind kind) {
    open(kind);
    int sessions = BulkRevocation.PAGE_SIZE * 2 + 17;
    var ids = new ArrayList<String>();
    for (int i = 0; i < sessions; i++) {
      ids.add(create("p1", i % 2 == 0 ? "usr_a" : "usr_b"));
    }
    String survivor = create("p2", "usr_a");
    engine.revoke("p1", ids.get(5)); // already finished: not counted again
    events.clear();

    assertThat(engine.revokeAllOfTenant("p1")).isEqualTo(sessions - 1);
    assertThat(revokedIds()).hasSize(sessions - 1).doesNotHaveDuplicates().doesNotContain(ids.get(5), survivor);
    assertThat(engine.list("p1", null, 100).sessions()).allSatisfy(s ->
        assertThat(s.status()).isEqualTo(SessionStatus.REVOKED));
    assertThat(engine.get("p2", survivor).status()).isEqualTo(SessionStatus.OPEN);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aSessionCompletedConcurrentlyEndsOnceEitherWay(StoreKind kind) throws Exception {
    open(kind);
    int sessions = 40;
    var ids = new ArrayList<String>();
    for (int i = 0; i < sessions; i++) {
      ids.add(createAndRedeem("p1", "usr_a").session().id());
    }
    events.clear();
    var pool = Executors.newFixedThreadPool(2);
    try {
      var start = new CyclicBarrier(2);
      Future<Integer> revoking = pool.submit(() -> {
        start.await();
        return engine.revokeAllOfUser("p1", "usr_a");
      });
      Future<Integer> completing = pool.submit(() -> {
        start.await();
        int done = 0;
        for (String id : ids) {
          try {
            engine.complete("p1", id);
            done++;
          } catch (HandoffException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT); // revoked first
          }
        }
        return done;
      });
      int revoked = revoking.get();
      int completed = completing.get();
      assertThat(revoked + completed).isEqualTo(sessions);
      Map<String, List<SessionEvent.Type>> endings = events.stream().collect(Collectors.groupingBy(
          e -> e.session().id(), Collectors.mapping(SessionEvent::type, Collectors.toList())));
      assertThat(endings).hasSize(sessions);
      assertThat(endings.values()).allSatisfy(types -> assertThat(types).hasSize(1));
      for (String id : ids) {
        var status = engine.get("p1", id).status();
        assertThat(status).isIn(SessionStatus.COMPLETED, SessionStatus.REVOKED);
        assertThat(endings.get(id)).containsExactly(status == SessionStatus.COMPLETED
            ? SessionEvent.Type.COMPLETED : SessionEvent.Type.REVOKED);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(value = StoreKind.class, names = "MEMORY")
  void malformedInputChangesNothingAndReachesNoStore(StoreKind kind) {
    open(kind);
    create("p1", "usr_a");
    int before = store.calls.get();
    Function<String, Runnable> byUser = user -> () -> engine.revokeAllOfUser("p1", user);
    for (String bad : new String[] {null, "", "usr\u0000a", "usr\u202Ea", "\uD800", "x".repeat(129)}) {
      assertCode(ErrorCode.INVALID_REQUEST, byUser.apply(bad));
      assertCode(ErrorCode.INVALID_REQUEST, () -> engine.revokeAllOfUser(bad, "usr_a"));
      assertCode(ErrorCode.INVALID_REQUEST, () -> engine.revokeAllOfTenant(bad));
    }
    assertThat(store.calls.get()).isEqualTo(before);
    assertThat(revokedIds()).isEmpty();
  }
}
