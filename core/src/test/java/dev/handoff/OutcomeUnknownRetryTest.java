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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 10 finding #2: a write whose commit landed but whose acknowledgement was lost (the store throws
 * STORAGE_UNAVAILABLE after applying it) must not burn a link or report a done change as failed. The engine re-reads
 * and recognises its own write, so the caller gets success; shown for every writing operation on every store.
 */
class OutcomeUnknownRetryTest {
  private final TestEngines t = new TestEngines();
  private final List<SessionEvent> events = new CopyOnWriteArrayList<>();
  private final RecordingOtpSender sender = new RecordingOtpSender();
  @TempDir
  Path tempDir;
  private StoreKind.Database database;
  private InterceptedStore store;
  private Handoff engine;

  private void open(StoreKind kind) {
    database = kind.open(t, tempDir);
    store = new InterceptedStore(database.node());
    engine = Handoff.builder().store(store).userDirectory(t.users).keys(t.keys).clock(t.clock)
        .hostedPageUrl(TestEngines.BASE_URL).intents(TestEngines.INTENTS).otpSender(sender).otpExecutor(Runnable::run)
        .listener(events::add).build();
    t.users.add("p1", "usr_1", "ann@example.com");
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  private String redeemedSecret(boolean authenticated) {
    var issued = engine.create(authenticated ? checkout("p1").user("usr_1").build() : checkout("p1").build());
    return engine.redeem(issued.token().orElseThrow()).browserSecret();
  }

  private void loseNextAcknowledgement() {
    store.loseAcknowledgementOfNextWrites(1);
  }

  private void assertOneAcknowledgementWasLost() {
    assertThat(store.lostAcknowledgements.get()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void createAnswersWithTheSessionItStored(StoreKind kind) {
    open(kind);
    loseNextAcknowledgement();
    var issued = engine.create(checkout("p1").build());
    assertOneAcknowledgementWasLost();
    assertThat(engine.redeem(issued.token().orElseThrow()).loginRequired()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void redeemDoesNotBurnTheLink(StoreKind kind) {
    open(kind);
    var issued = engine.create(checkout("p1").user("usr_1").build());
    loseNextAcknowledgement();
    var redemption = engine.redeem(issued.token().orElseThrow());
    assertOneAcknowledgementWasLost();
    assertThat(redemption.user().id()).isEqualTo("usr_1");
    assertThat(engine.authenticate(redemption.browserSecret()).session().status()).isEqualTo(SessionStatus.ACTIVE);
    assertThat(events).extracting(SessionEvent::type).containsOnlyOnce(SessionEvent.Type.REDEEMED);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void redeemOfANewUserSurvivesALostAcknowledgementAtEachOfItsWrites(StoreKind kind) {
    open(kind);
    for (int lost = 1; lost <= 2; lost++) {
      var issued = engine.create(checkout("p1").userDetails(UserDetails.ofEmail("new" + lost + "@example.com"))
          .build());
      store.loseAcknowledgementOfNextWrites(lost); // the consume, then also the binding of the created user
      var redemption = engine.redeem(issued.token().orElseThrow());
      assertThat(redemption.user().email()).isEqualTo("new" + lost + "@example.com");
      assertThat(engine.authenticate(redemption.browserSecret()).user().id()).isEqualTo(redemption.user().id());
    }
    assertThat(store.lostAcknowledgements.get()).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aReusableLinkRedeemedAgainDoesNotFail(StoreKind kind) {
    open(kind);
    var issued = engine.create(checkout("p1").user("usr_1").singleUse(false).build());
    engine.redeem(issued.token().orElseThrow());
    loseNextAcknowledgement();
    var again = engine.redeem(issued.token().orElseThrow());
    assertOneAcknowledgementWasLost();
    assertThat(engine.authenticate(again.browserSecret()).user().id()).isEqualTo("usr_1");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void completeAndRevokeReportWhatTheyDid(StoreKind kind) {
    open(kind);
    var active = engine.create(checkout("p1").user("usr_1").build());
    engine.redeem(active.token().orElseThrow());
    loseNextAcknowledgement();
    assertThat(engine.complete("p1", active.session().id()).status()).isEqualTo(SessionStatus.COMPLETED);

    var open = engine.create(checkout("p1").build());
    loseNextAcknowledgement();
    assertThat(engine.revoke("p1", open.session().id()).status()).isEqualTo(SessionStatus.REVOKED);
    assertThat(store.lostAcknowledgements.get()).isEqualTo(2);
    assertThat(events).extracting(SessionEvent::type)
        .containsOnlyOnce(SessionEvent.Type.COMPLETED, SessionEvent.Type.REVOKED);
  }

  /** Three sessions ended: one never opened, one redeemed (abandoned), one redeemed and completed (not swept). */
  private void endThreeSessions() {
    engine.create(checkout("p1").ttl("5m").build());
    engine.create(checkout("p1").ttl("5m").build());
    redeemedSecret(true);
    var completed = engine.create(checkout("p1").user("usr_1").build());
    engine.complete("p1", engine.redeem(completed.token().orElseThrow()).session().id());
    t.clock.advance(Duration.ofHours(2)); // past every session's end, not past the retention
  }

  private long eventsOf(SessionEvent.Type type) {
    return events.stream().filter(e -> e.type() == type).count();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aSweepWhoseBatchLandedPublishesEachEndOnce(StoreKind kind) {
    open(kind);
    endThreeSessions();
    loseNextAcknowledgement();
    assertThat(engine.sweep(100)).isEqualTo(new SweepResult(3, 1, 0));
    assertOneAcknowledgementWasLost();
    assertThat(engine.sweep(100)).isEqualTo(new SweepResult(0, 0, 0));
    assertThat(eventsOf(SessionEvent.Type.EXPIRED)).isEqualTo(3);
    assertThat(eventsOf(SessionEvent.Type.ABANDONED)).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aSweepWhoseBatchPartlyLandedPublishesWhatLandedAndFails(StoreKind kind) {
    open(kind);
    endThreeSessions();
    store.replaceEachOneByOne = true; // the first mark lands, its acknowledgement is lost, the others never run
    loseNextAcknowledgement();
    assertThatThrownBy(() -> engine.sweep(100)).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
    assertOneAcknowledgementWasLost();
    assertThat(eventsOf(SessionEvent.Type.EXPIRED)).isEqualTo(1);
    SweepResult next = engine.sweep(100);
    assertThat(next.expired()).isEqualTo(2);
    assertThat(engine.sweep(100)).isEqualTo(new SweepResult(0, 0, 0));
    assertThat(eventsOf(SessionEvent.Type.EXPIRED)).isEqualTo(3);
    assertThat(eventsOf(SessionEvent.Type.ABANDONED)).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void updateKeepsItsChangeAndItsNewUrl(StoreKind kind) {
    open(kind);
    var issued = engine.create(checkout("p1").build());
    String id = issued.session().id();
    loseNextAcknowledgement();
    assertThat(engine.update("p1", id, UpdateSessionRequest.builder().metadata(Map.of("order", "o-1")).build())
        .session().metadata()).containsEntry("order", "o-1");

    loseNextAcknowledgement();
    var reminted = engine.update("p1", id, UpdateSessionRequest.builder().user("usr_1").build());
    assertThat(store.lostAcknowledgements.get()).isEqualTo(2);
    assertThat(engine.redeem(reminted.token().orElseThrow()).user().id()).isEqualTo("usr_1");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void signInStartAndVerificationSucceed(StoreKind kind) {
    open(kind);
    String secret = redeemedSecret(false);
    loseNextAcknowledgement();
    engine.startLogin(secret, "ann@example.com");
    assertThat(sender.sent).hasSize(1);

    loseNextAcknowledgement();
    var signedIn = engine.verifyLogin(secret, sender.lastCode());
    assertThat(store.lostAcknowledgements.get()).isEqualTo(2);
    assertThat(signedIn.user().id()).isEqualTo("usr_1");
    // Signing in rotated the secret, in the write whose acknowledgement was lost: the new one works.
    assertThat(engine.authenticate(signedIn.browserSecret()).session().status()).isEqualTo(SessionStatus.ACTIVE);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aWrongCodeWhoseWriteLandedCostsExactlyOneAttempt(StoreKind kind) {
    open(kind);
    String secret = redeemedSecret(false);
    engine.startLogin(secret, "ann@example.com");
    String wrong = sender.lastCode().equals("000000") ? "111111" : "000000";
    loseNextAcknowledgement();
    assertThatThrownBy(() -> engine.verifyLogin(secret, wrong)).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
    assertOneAcknowledgementWasLost();
    var stored = store.find("p1", engine.authenticate(secret).session().id()).orElseThrow();
    assertThat(stored.challenge().attemptsLeft()).isEqualTo(LoginPolicy.defaults().maxAttempts() - 1);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void browserCompletionAndLogoutSucceed(StoreKind kind) {
    open(kind);
    String first = redeemedSecret(true);
    loseNextAcknowledgement();
    assertThat(engine.completeFromBrowser(first).status()).isEqualTo(SessionStatus.COMPLETED);
    String second = redeemedSecret(true);
    loseNextAcknowledgement();
    assertThat(engine.logout(second).status()).isEqualTo(SessionStatus.LOGGED_OUT);
    assertThat(store.lostAcknowledgements.get()).isEqualTo(2);
  }
}
