package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.SessionEvent.Type;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStatus;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14: the complete lifecycle through the engine on a store: both clocks kept, every end published once by
 * sweeping or on a read, ABANDONED for redeemed sessions that ran out, and the sign-in events, none carrying a
 * secret. Several engines sweeping at once: {@code reliability-tests} ({@code ExactlyOnceSweepTest}).
 */
class SessionEventsTest {
  private static final LoginPolicy POLICY = LoginPolicy.defaults();

  private final TestEngines t = new TestEngines();
  private final RecordingOtpSender sender = new RecordingOtpSender();
  private final List<SessionEvent> events = new CopyOnWriteArrayList<>();
  @TempDir
  Path tempDir;
  private StoreKind.Database database;

  /** Every store: each keeps issue 14's fields and answers {@code listEnded}. */
  static Stream<StoreKind> stores() {
    return Stream.of(StoreKind.values());
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  private Handoff engine(StoreKind kind) {
    database = kind.open(t, tempDir);
    return t.builder(database.node()).listener(events::add).otpSender(sender).loginPolicy(POLICY).build();
  }

  private List<Type> eventsOf(String id) {
    return events.stream().filter(e -> e.session().id().equals(id)).map(SessionEvent::type).toList();
  }

  private static void assertCode(ErrorCode code, Runnable action) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @ParameterizedTest
  @MethodSource("stores")
  void theStoreKeepsBothClocks(StoreKind kind) {
    Handoff engine = engine(kind);
    var issued = engine.create(checkout("p1").ttl("7d").idleTimeout("10m").activeLifetime("30m").build());
    String id = issued.session().id();
    assertThat(engine.get("p1", id)).isEqualTo(issued.session());

    t.clock.advance(Duration.ofDays(6));
    var redeemed = engine.redeem(issued.token().orElseThrow()).session();
    assertThat(engine.get("p1", id)).isEqualTo(redeemed);
    assertThat(redeemed.expiresAt()).isEqualTo(t.clock.instant().plus(Duration.ofMinutes(30)));
    assertThat(redeemed.linkExpiresAt()).isEqualTo(issued.session().createdAt().plus(Duration.ofDays(7)));
    assertThat(redeemed.idleExpiresAt()).isEqualTo(t.clock.instant().plus(Duration.ofMinutes(10)));
  }

  @ParameterizedTest
  @MethodSource("stores")
  void sweepingPublishesEveryEndOnceAndAbandonedForTheRedeemedOnes(StoreKind kind) {
    Handoff engine = engine(kind);
    t.users.add("p1", "usr_1", "ann@example.com");
    String neverOpened = engine.create(checkout("p1").ttl("5m").build()).session().id();
    var active = engine.create(checkout("p1").user("usr_1").activeLifetime("5m").build());
    engine.redeem(active.token().orElseThrow());
    var waiting = engine.create(checkout("p1").activeLifetime("5m").build());
    engine.redeem(waiting.token().orElseThrow());
    var completed = engine.create(checkout("p1").user("usr_1").activeLifetime("5m").build());
    engine.complete("p1", engine.redeem(completed.token().orElseThrow()).session().id());
    var revoked = engine.create(checkout("p1").ttl("5m").build());
    engine.revoke("p1", revoked.session().id());
    var noticed = engine.create(checkout("p1").ttl("5m").build());
    String live = engine.create(checkout("p1").ttl("1h").build()).session().id();

    t.clock.advance(Duration.ofMinutes(5));
    assertCode(ErrorCode.EXPIRED, () -> engine.redeem(noticed.token().orElseThrow())); // noticed on a read
    assertThat(engine.sweep(100)).isEqualTo(new SweepResult(3, 2, 0));
    assertThat(engine.sweep(100)).isEqualTo(new SweepResult(0, 0, 0));

    assertThat(eventsOf(neverOpened)).containsExactly(Type.CREATED, Type.EXPIRED);
    assertThat(eventsOf(active.session().id())).containsExactly(Type.CREATED, Type.REDEEMED, Type.EXPIRED,
        Type.ABANDONED);
    assertThat(eventsOf(waiting.session().id())).containsExactly(Type.CREATED, Type.REDEEMED, Type.EXPIRED,
        Type.ABANDONED);
    assertThat(eventsOf(completed.session().id())).containsExactly(Type.CREATED, Type.REDEEMED, Type.COMPLETED);
    assertThat(eventsOf(revoked.session().id())).containsExactly(Type.CREATED, Type.REVOKED);
    assertThat(eventsOf(noticed.session().id())).containsExactly(Type.CREATED, Type.EXPIRED);
    assertThat(eventsOf(live)).containsExactly(Type.CREATED);
    for (String id : List.of(neverOpened, active.session().id(), noticed.session().id())) {
      assertThat(engine.get("p1", id).status()).isEqualTo(SessionStatus.EXPIRED);
    }
    assertThat(engine.get("p1", completed.session().id()).status()).isEqualTo(SessionStatus.COMPLETED);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void wrongCodesAndLockoutsArePublishedWithoutTheEmailOrTheCode(StoreKind kind) {
    Handoff engine = engine(kind);
    String email = "ann@example.com";
    t.users.add("p1", "usr_1", email);
    String secret = engine.redeem(engine.create(checkout("p1").build()).token().orElseThrow()).browserSecret();
    String id = engine.authenticate(secret).session().id();

    engine.startLogin(secret, email);
    assertCode(ErrorCode.TOO_MANY_ATTEMPTS, () -> engine.startLogin(secret, email)); // within minSendInterval
    String code = sender.lastCode();
    String wrong = code.equals("000000") ? "111111" : "000000";
    for (int i = 1; i < POLICY.maxAttempts(); i++) {
      assertCode(ErrorCode.INVALID_TOKEN, () -> engine.verifyLogin(secret, wrong));
    }
    assertCode(ErrorCode.TOO_MANY_ATTEMPTS, () -> engine.verifyLogin(secret, wrong));
    assertCode(ErrorCode.TOO_MANY_ATTEMPTS, () -> engine.verifyLogin(secret, code)); // locked: nothing new

    var expected = new ArrayList<>(List.of(Type.CREATED, Type.REDEEMED, Type.SIGN_IN_STARTED, Type.SIGN_IN_LOCKED));
    for (int i = 0; i < POLICY.maxAttempts(); i++) {
      expected.add(Type.SIGN_IN_FAILED);
    }
    expected.add(Type.SIGN_IN_LOCKED);
    assertThat(eventsOf(id)).containsExactlyElementsOf(expected);

    t.clock.advance(POLICY.minSendInterval());
    engine.startLogin(secret, email);
    var signedIn = engine.verifyLogin(secret, sender.lastCode());
    assertThat(eventsOf(id)).endsWith(Type.SIGN_IN_STARTED, Type.SIGNED_IN);
    assertThat(signedIn.user().id()).isEqualTo("usr_1");

    var secrets = List.of(email, code, sender.lastCode(), secret, signedIn.browserSecret());
    for (SessionEvent event : events) {
      assertThat(everyValue(event)).as("%s", event.type())
          .allSatisfy(value -> assertThat(secrets).noneSatisfy(s -> assertThat(value).contains(s)));
    }
  }

  /** Every value reachable from {@code value} through record components, maps and collections, as text. */
  private static List<String> everyValue(Object value) {
    var out = new ArrayList<String>();
    collect(value, out);
    return out;
  }

  private static void collect(Object value, List<String> out) {
    if (value instanceof Record record) {
      for (RecordComponent component : record.getClass().getRecordComponents()) {
        try {
          collect(component.getAccessor().invoke(record), out);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    } else if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> {
        collect(k, out);
        collect(v, out);
      });
    } else if (value instanceof Collection<?> items) {
      items.forEach(item -> collect(item, out));
    } else {
      out.add(String.valueOf(value));
    }
  }
}
