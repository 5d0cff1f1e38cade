package dev.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Recovery;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.Subject;
import dev.handoff.spi.UserDetails;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Recovery that keeps the intent (issue 14): an expired, used or ended session is continued by email in a
 * replacement with the same intent, at most as often as its intent type allows, never for a completed or revoked
 * one, and exactly once however many browsers try at the same time.
 */
class RecoveryTest {
  private static final ClientInfo LAPTOP = new ClientInfo("198.51.100.23", "Mozilla/5.0 (X11; Linux) Laptop");
  private static final String CALLBACK = "https://app.example.com/done";

  private final TestEngines t = new TestEngines();
  private final RecordingOtpSender sender = new RecordingOtpSender();
  private final List<SessionEvent> events = new CopyOnWriteArrayList<>();
  @TempDir
  Path tempDir;
  private StoreKind.Database database;
  private SessionStore store;
  private Handoff engine;
  private ExecutorService pool;

  private void open(StoreKind kind) {
    database = kind.open(t, tempDir);
    store = database.node();
    engine = engineOn(store, TestEngines.INTENTS).listener(events::add).build();
    t.users.add("p1", "usr_ann", "ann@example.com");
    t.users.add("p1", "usr_bob", "bob@example.com");
  }

  private Handoff.Builder engineOn(SessionStore on, IntentRegistry intents) {
    return Handoff.builder().store(on).userDirectory(t.users).keys(t.keys).clock(t.clock)
        .hostedPageUrl(TestEngines.BASE_URL).idPrefix("csn_").intents(intents).otpSender(sender)
        .otpExecutor(Runnable::run);
  }

  @AfterEach
  void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
    if (database != null) {
      database.close();
    }
  }

  private static CreateSessionRequest.Builder resumable() {
    return CreateSessionRequest.builder("p1").intent("resumeCheckout", Map.of("plan", "pln_gold"))
        .callbackUrl(CALLBACK).metadata(Map.of("cart", "c-42")).theme(new Theme("Shop", null, null))
        .ttl(Duration.ofMinutes(5)).activeLifetime(Duration.ofMinutes(5)).idleTimeout(Duration.ofMinutes(2));
  }

  private IssuedSession forAnn() {
    return engine.create(resumable().user("usr_ann").build());
  }

  /** The offer for a link that expired before anyone opened it. */
  private RecoveryOffer expiredLinkOffer(IssuedSession issued) {
    t.clock.advance(Duration.ofMinutes(6));
    String token = issued.token().orElseThrow();
    assertCode(ErrorCode.EXPIRED, () -> engine.redeem(token));
    return engine.recoveryForLink(token).orElseThrow();
  }

  private static void assertCode(ErrorCode code, Runnable action) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  private List<SessionEvent.Type> eventTypes() {
    return events.stream().map(SessionEvent::type).toList();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anExpiredLinkContinuesByEmailInAReplacementWithTheSameIntent(StoreKind kind) {
    open(kind);
    IssuedSession issued = forAnn();
    String originalId = issued.session().id();
    RecoveryOffer offer = expiredLinkOffer(issued);
    assertThat(offer.session().id()).isEqualTo(originalId);
    assertThat(offer.session().status()).isEqualTo(SessionStatus.EXPIRED);
    assertThat(offer.codeSent()).isFalse();
    assertThat(offer.toString()).doesNotContain(offer.ticket());

    engine.startRecovery(offer.ticket(), "Ann@Example.com");
    assertThat(sender.sent).singleElement().satisfies(s -> {
      assertThat(s.sessionId()).isEqualTo(originalId);
      assertThat(s.email()).isEqualTo("Ann@Example.com");
    });
    assertThat(engine.recoveryOffer(offer.ticket()).orElseThrow().codeSent()).isTrue();
    t.clock.advance(Duration.ofMinutes(1));
    Redemption recovered = engine.recover(offer.ticket(), sender.lastCode(), LAPTOP);

    Session replacement = recovered.session();
    assertThat(replacement.id()).isNotEqualTo(originalId).startsWith("csn_");
    assertThat(replacement.status()).isEqualTo(SessionStatus.ACTIVE);
    assertThat(replacement.intent()).isEqualTo(issued.session().intent());
    assertThat(replacement.callbackUrl()).isEqualTo(CALLBACK);
    assertThat(replacement.metadata()).isEqualTo(Map.of("cart", "c-42"));
    assertThat(replacement.theme().productName()).isEqualTo("Shop");
    assertThat(replacement.subject()).isEqualTo(new Subject.ExistingUser("usr_ann"));
    assertThat(replacement.recovery()).isEqualTo(new Recovery(originalId, null, 1));
    assertThat(replacement.createdAt()).isEqualTo(t.clock.instant());
    // Fresh deadlines with the lengths the original was created with: 5 minutes in the page, 2 without a page load.
    assertThat(replacement.expiresAt()).isEqualTo(t.clock.instant().plus(Duration.ofMinutes(5)));
    assertThat(replacement.activeLifetime()).isEqualTo(Duration.ofMinutes(5));
    assertThat(replacement.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(replacement.linkExpiresAt()).isEqualTo(t.clock.instant());
    assertThat(replacement.accessLog()).containsExactly(new AccessRecord(AccessRecord.Step.RECOVERED,
        t.clock.instant(), "198.51.100.0/24", "Mozilla/5.0 (X11; Linux) Laptop"));
    assertThat(recovered.user().id()).isEqualTo("usr_ann");

    // The flow goes on in the replacement's browser session, to the callback.
    BrowserSession browser = engine.authenticate(recovered.browserSecret());
    assertThat(browser.session().id()).isEqualTo(replacement.id());
    assertThat(browser.user().id()).isEqualTo("usr_ann");
    assertThat(engine.completeFromBrowser(recovered.browserSecret()).callbackUrl()).isEqualTo(CALLBACK);

    // get and list show the link both ways.
    assertThat(engine.get("p1", originalId).recovery()).isEqualTo(new Recovery(null, replacement.id(), 0));
    assertThat(engine.get("p1", originalId).status()).isEqualTo(SessionStatus.EXPIRED);
    assertThat(engine.list("p1", null, 10).sessions()).extracting(Session::recovery)
        .containsExactly(new Recovery(null, replacement.id(), 0), new Recovery(originalId, null, 1));

    // Published: the original's expiry and its code request, then the replacement's recovery.
    assertThat(eventTypes()).containsExactly(SessionEvent.Type.CREATED, SessionEvent.Type.EXPIRED,
        SessionEvent.Type.SIGN_IN_STARTED, SessionEvent.Type.RECOVERED, SessionEvent.Type.COMPLETED);
    SessionEvent recoveredEvent = events.get(3);
    assertThat(recoveredEvent.session().id()).isEqualTo(replacement.id());
    assertThat(recoveredEvent.session().recovery().recoveredFrom()).isEqualTo(originalId);

    // The original cannot be recovered again, by the same ticket or afresh.
    assertThat(engine.recoveryOffer(offer.ticket())).isEmpty();
    assertThat(engine.recoveryForLink(issued.token().orElseThrow())).isEmpty();
    assertCode(ErrorCode.CONFLICT, () -> engine.startRecovery(offer.ticket(), "ann@example.com"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anotherEmailGetsTheSameAnswerButNoCodeAndNothingItCouldGuessRecovers(StoreKind kind) {
    open(kind);
    RecoveryOffer offer = expiredLinkOffer(forAnn());

    engine.startRecovery(offer.ticket(), "bob@example.com"); // a user of the tenant, but not the session's
    t.clock.advance(Duration.ofSeconds(30));
    engine.startRecovery(offer.ticket(), "nobody@example.com");

    assertThat(sender.sent).isEmpty();
    // Even the stored code, had it been guessed, is refused as a wrong one for an email that is not Ann's.
    assertThat(engine.recoveryOffer(offer.ticket()).orElseThrow().codeSent()).isTrue();
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.recover(offer.ticket(), "000000", LAPTOP));
    assertThat(store.list("p1", null, 10).sessions()).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theRightCodeForAnotherEmailRecoversNothing(StoreKind kind) {
    open(kind);
    // The engine sends no code to Bob for Ann's session, so the test puts a code it knows in Bob's challenge.
    IssuedSession issued = forAnn();
    RecoveryOffer offer = expiredLinkOffer(issued);
    engine.startRecovery(offer.ticket(), "bob@example.com");
    var stored = store.find("p1", issued.session().id()).orElseThrow();
    var ctx = engineOn(store, TestEngines.INTENTS).buildContext();
    var known = stored.toBuilder().challenge(new dev.handoff.spi.LoginChallenge("bob@example.com",
        ctx.codeDigests.digest("123456"), stored.challenge().expiresAt(), 5, 1, stored.challenge().lastSentAt()))
        .version(stored.version() + 1).build();
    assertThat(store.replace(known, stored.version())).isTrue();

    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.recover(offer.ticket(), "123456", LAPTOP));
    assertThat(store.find("p1", issued.session().id()).orElseThrow().challenge().attemptsLeft()).isEqualTo(4);
    assertThat(engine.get("p1", issued.session().id()).recovery().replacedBy()).isNull();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void wrongCodesUseUpAttemptsAndSendsAreLimitedAsForSignIn(StoreKind kind) {
    open(kind);
    RecoveryOffer offer = expiredLinkOffer(forAnn());
    engine.startRecovery(offer.ticket(), "ann@example.com");
    String right = sender.lastCode();
    String wrong = right.equals("123456") ? "654321" : "123456";
    assertCode(ErrorCode.TOO_MANY_ATTEMPTS, () -> engine.startRecovery(offer.ticket(), "ann@example.com"));
    for (int i = 0; i < 4; i++) {
      assertCode(ErrorCode.INVALID_TOKEN, () -> engine.recover(offer.ticket(), wrong, LAPTOP));
    }
    assertCode(ErrorCode.TOO_MANY_ATTEMPTS, () -> engine.recover(offer.ticket(), wrong, LAPTOP));
    assertCode(ErrorCode.TOO_MANY_ATTEMPTS, () -> engine.recover(offer.ticket(), right, LAPTOP));
    assertThat(engine.recoveryOffer(offer.ticket()).orElseThrow().codeSent()).isFalse();
    // The sign-in's events, on the original: the refused send, five failures, one lockout.
    assertThat(eventTypes()).filteredOn(SessionEvent.Type.SIGN_IN_FAILED::equals).hasSize(5);
    assertThat(eventTypes()).filteredOn(SessionEvent.Type.SIGN_IN_LOCKED::equals).hasSize(2);

    t.clock.advance(Duration.ofSeconds(30));
    engine.startRecovery(offer.ticket(), "ann@example.com");
    t.clock.advance(Duration.ofMinutes(10));
    assertCode(ErrorCode.EXPIRED, () -> engine.recover(offer.ticket(), sender.lastCode(), LAPTOP));
    assertCode(ErrorCode.INVALID_REQUEST, () -> engine.recover(offer.ticket(), "", LAPTOP));
    assertCode(ErrorCode.INVALID_REQUEST, () -> engine.startRecovery(offer.ticket(), "not-an-email"));
    assertThat(sender.sent).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theChainStopsAtTheIntentTypesMaximum(StoreKind kind) {
    open(kind);
    RecoveryOffer offer = expiredLinkOffer(forAnn());
    engine.startRecovery(offer.ticket(), "ann@example.com");
    Redemption first = engine.recover(offer.ticket(), sender.lastCode(), LAPTOP);
    assertThat(first.session().recovery().count()).isEqualTo(1);

    // The replacement's browser session ends too: its cookie offers the second and last recovery.
    t.clock.advance(Duration.ofMinutes(6));
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(first.browserSecret()));
    RecoveryOffer again = engine.recoveryForBrowser(first.browserSecret()).orElseThrow();
    assertThat(again.session().id()).isEqualTo(first.session().id());
    engine.startRecovery(again.ticket(), "ann@example.com");
    Redemption second = engine.recover(again.ticket(), sender.lastCode(), LAPTOP);
    assertThat(second.session().recovery()).isEqualTo(new Recovery(first.session().id(), null, 2));

    engine.logout(second.browserSecret());
    assertThat(engine.recoveryForBrowser(second.browserSecret())).isEmpty(); // count 2 of at most 2
    assertThat(engine.get("p1", second.session().id()).status()).isEqualTo(SessionStatus.LOGGED_OUT);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aSignedOutSessionIsRecoveredFromItsCookieAndStillSaysHowItEnded(StoreKind kind) {
    open(kind);
    IssuedSession issued = forAnn();
    Redemption redeemed = engine.redeem(issued.token().orElseThrow());
    t.clock.advance(Duration.ofMinutes(1));
    Session signedOut = engine.logout(redeemed.browserSecret());
    t.clock.advance(Duration.ofMinutes(3)); // past its idle deadline: a later write must not make it "idle"

    RecoveryOffer offer = engine.recoveryForBrowser(redeemed.browserSecret()).orElseThrow();
    engine.startRecovery(offer.ticket(), "ann@example.com");
    engine.recover(offer.ticket(), sender.lastCode(), LAPTOP);

    Session original = engine.get("p1", issued.session().id());
    assertThat(original.status()).isEqualTo(SessionStatus.LOGGED_OUT);
    assertThat(original.modifiedAt()).isEqualTo(signedOut.modifiedAt());
    assertThat(original.endedByIdleness()).isFalse();
    assertThat(original.recovery().replacedBy()).isNotNull();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void revokedAndCompletedSessionsAreNeverRecovered(StoreKind kind) {
    open(kind);
    IssuedSession revoked = forAnn();
    Redemption redeemed = engine.redeem(revoked.token().orElseThrow());
    RecoveryOffer offerWhileLive = engine.recoveryForLink(revoked.token().orElseThrow()).orElseThrow();
    engine.revoke("p1", revoked.session().id());
    assertThat(engine.recoveryForLink(revoked.token().orElseThrow())).isEmpty();
    assertThat(engine.recoveryForBrowser(redeemed.browserSecret())).isEmpty();
    assertThat(engine.recoveryOffer(offerWhileLive.ticket())).isEmpty();
    assertCode(ErrorCode.CONFLICT, () -> engine.startRecovery(offerWhileLive.ticket(), "ann@example.com"));

    // Revoked between the code and its use: still refused.
    IssuedSession second = forAnn();
    RecoveryOffer offer = expiredLinkOffer(second);
    engine.startRecovery(offer.ticket(), "ann@example.com");
    var stored = store.find("p1", second.session().id()).orElseThrow();
    assertThat(store.replace(stored.toBuilder().status(SessionStatus.REVOKED).version(stored.version() + 1)
        .build(), stored.version())).isTrue();
    assertCode(ErrorCode.CONFLICT, () -> engine.recover(offer.ticket(), sender.lastCode(), LAPTOP));

    IssuedSession completed = forAnn();
    Redemption done = engine.redeem(completed.token().orElseThrow());
    engine.completeFromBrowser(done.browserSecret());
    assertThat(engine.recoveryForLink(completed.token().orElseThrow())).isEmpty();
    assertThat(engine.recoveryForBrowser(done.browserSecret())).isEmpty();
    assertThat(store.list("p1", null, 10).sessions()).noneMatch(s -> s.recovery().count() > 0);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aWorkingLinkAReplacedLinkAnOldSessionOrAnIntentWithoutRecoveryOfferNothing(StoreKind kind) {
    open(kind);
    IssuedSession open = forAnn();
    assertThat(engine.recoveryForLink(open.token().orElseThrow())).isEmpty(); // it still works: use it

    IssuedSession replaced = engine.create(resumable().user("usr_ann").build());
    engine.update("p1", replaced.session().id(), UpdateSessionRequest.builder().user("usr_bob").build());
    t.clock.advance(Duration.ofMinutes(6));
    assertThat(engine.recoveryForLink(replaced.token().orElseThrow())).isEmpty();

    IssuedSession plain = engine.create(TestEngines.checkout("p1").user("usr_ann").build());
    t.clock.advance(Duration.ofHours(2));
    assertThat(engine.recoveryForLink(plain.token().orElseThrow())).isEmpty();

    // Within the retention after expiry (1 day by default), not after.
    IssuedSession old = forAnn();
    t.clock.advance(Duration.ofMinutes(5).plus(Duration.ofDays(1)).minusSeconds(1));
    RecoveryOffer lastMoment = engine.recoveryForLink(old.token().orElseThrow()).orElseThrow();
    // An engine that cannot send codes offers nothing.
    assertThat(Handoff.builder().store(store).userDirectory(t.users).keys(t.keys).clock(t.clock)
        .hostedPageUrl(TestEngines.BASE_URL).intents(TestEngines.INTENTS).build()
        .recoveryForLink(old.token().orElseThrow())).isEmpty();
    t.clock.advance(Duration.ofSeconds(1));
    assertThat(engine.recoveryForLink(old.token().orElseThrow())).isEmpty();
    // Refused as too old, or as gone where the store dropped it once its retention passed (the memory store).
    assertThatThrownBy(() -> engine.startRecovery(lastMoment.ticket(), "ann@example.com")).isInstanceOfSatisfying(
        HandoffException.class, e -> assertThat(e.code()).isIn(ErrorCode.CONFLICT, ErrorCode.INVALID_TOKEN));

    assertThat(engine.recoveryForLink("garbage")).isEmpty();
    assertThat(engine.recoveryForBrowser("hb1.garbage")).isEmpty();
    assertThat(engine.recoveryOffer(null)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aUsedLinkLiveInAnotherBrowserMovesToTheRecoveringOneAndEndsThere(StoreKind kind) {
    open(kind);
    IssuedSession issued = forAnn();
    Redemption phone = engine.redeem(issued.token().orElseThrow(), new ClientInfo("203.0.113.9", "Phone"));
    String token = issued.token().orElseThrow();
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.redeem(token, LAPTOP));

    RecoveryOffer offer = engine.recoveryForLink(token).orElseThrow();
    assertThat(offer.session().status()).isEqualTo(SessionStatus.ACTIVE);
    engine.startRecovery(offer.ticket(), "ann@example.com");
    assertThat(engine.authenticate(phone.browserSecret()).loginRequired()).isFalse(); // untouched so far
    Redemption laptop = engine.recover(offer.ticket(), sender.lastCode(), LAPTOP);

    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(phone.browserSecret()));
    Session original = engine.get("p1", issued.session().id());
    assertThat(original.status()).isEqualTo(SessionStatus.LOGGED_OUT);
    assertThat(original.recovery().replacedBy()).isEqualTo(laptop.session().id());
    assertThat(original.accessLog()).extracting(AccessRecord::clientAddress).containsExactly("203.0.113.0/24");
    assertThat(eventTypes()).containsSubsequence(SessionEvent.Type.REDEEMED, SessionEvent.Type.LOGGED_OUT,
        SessionEvent.Type.RECOVERED);
    assertThat(engine.authenticate(laptop.browserSecret()).session().id()).isEqualTo(laptop.session().id());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aSessionWithoutUserIsRecoveredByAKnownUserOnlyWhereItsTypeAllows(StoreKind kind) {
    open(kind);
    IssuedSession anonymous = engine.create(resumable().build());
    RecoveryOffer offer = expiredLinkOffer(anonymous);
    engine.startRecovery(offer.ticket(), "nobody@example.com");
    assertThat(sender.sent).isEmpty();
    t.clock.advance(Duration.ofSeconds(30));
    engine.startRecovery(offer.ticket(), "bob@example.com");
    Redemption bob = engine.recover(offer.ticket(), sender.lastCode(), LAPTOP);
    assertThat(bob.session().subject()).isEqualTo(new Subject.ExistingUser("usr_bob"));

    var strict = IntentRegistry.of(IntentType.builder("resumeCheckout").required("plan", String.class)
        .recovery(1).build());
    var strictEngine = engineOn(store, strict).build();
    IssuedSession noUser = strictEngine.create(resumable().build());
    t.clock.advance(Duration.ofMinutes(6));
    assertThat(strictEngine.recoveryForLink(noUser.token().orElseThrow())).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aUserDetailsSessionWhoseLinkNeverWorkedCreatesItsUserOnRecovery(StoreKind kind) {
    open(kind);
    IssuedSession issued = engine.create(resumable().userDetails(UserDetails.ofEmail("new@example.com")).build());
    RecoveryOffer offer = expiredLinkOffer(issued);
    engine.startRecovery(offer.ticket(), "bob@example.com");
    assertThat(sender.sent).isEmpty();
    t.clock.advance(Duration.ofSeconds(30));
    engine.startRecovery(offer.ticket(), "NEW@example.com");
    assertThat(t.users.createdCount()).isZero();

    Redemption recovered = engine.recover(offer.ticket(), sender.lastCode(), LAPTOP);

    assertThat(t.users.createdCount()).isEqualTo(1);
    assertThat(recovered.user().email()).isEqualTo("new@example.com");
    assertThat(recovered.session().subject()).isEqualTo(new Subject.ExistingUser(recovered.user().id()));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void twoBrowsersRecoveringOneSessionAtOnceGetExactlyOneReplacement(StoreKind kind) throws Exception {
    open(kind);
    IssuedSession issued = forAnn();
    RecoveryOffer offer = expiredLinkOffer(issued);
    engine.startRecovery(offer.ticket(), "ann@example.com");
    String code = sender.lastCode();
    int browsers = 8;
    pool = Executors.newFixedThreadPool(browsers);
    var start = new CountDownLatch(1);
    var outcomes = new CopyOnWriteArrayList<Object>();
    var futures = new java.util.ArrayList<Future<?>>();
    for (int i = 0; i < browsers; i++) {
      futures.add(pool.submit(() -> {
        start.await(10, TimeUnit.SECONDS);
        try {
          outcomes.add(engine.recover(offer.ticket(), code, LAPTOP));
        } catch (HandoffException e) {
          outcomes.add(e.code());
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(20, TimeUnit.SECONDS);
    }

    assertThat(outcomes).filteredOn(Redemption.class::isInstance).hasSize(1);
    assertThat(outcomes).filteredOn(ErrorCode.class::isInstance).containsOnly(ErrorCode.CONFLICT);
    var sessions = store.list("p1", null, 10).sessions();
    assertThat(sessions).hasSize(2);
    assertThat(sessions).filteredOn(s -> issued.session().id().equals(s.recovery().recoveredFrom())).hasSize(1);
    assertThat(eventTypes()).filteredOn(SessionEvent.Type.RECOVERED::equals).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void ticketsAreRefusedWhenForgedAlteredOrExpired(StoreKind kind) {
    open(kind);
    RecoveryOffer offer = expiredLinkOffer(forAnn());
    String ticket = offer.ticket();
    assertThat(ticket).startsWith("hr1.");
    for (int i = 0; i < ticket.length(); i++) {
      char c = ticket.charAt(i);
      String altered = ticket.substring(0, i) + (c == 'A' ? 'B' : 'A') + ticket.substring(i + 1);
      assertThat(engine.recoveryOffer(altered)).as("altered at %d", i).isEmpty();
    }
    // Another engine's key ring does not accept it.
    var otherKeys = Handoff.builder().store(store).userDirectory(t.users).clock(t.clock)
        .hostedPageUrl(TestEngines.BASE_URL).intents(TestEngines.INTENTS).otpSender(sender).build();
    assertThat(otherKeys.recoveryOffer(ticket)).isEmpty();
    assertCode(ErrorCode.INVALID_TOKEN, () -> otherKeys.startRecovery(ticket, "ann@example.com"));

    t.clock.advance(Duration.ofMinutes(30));
    assertThat(engine.recoveryOffer(ticket)).isEmpty();
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.startRecovery(ticket, "ann@example.com"));
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.recover(ticket, "123456", LAPTOP));
  }

  @Test
  void recoveryIsConfiguredPerIntentTypeWithinBounds() {
    assertThat(IntentType.builder("a").build().maxRecoveries()).isZero();
    assertThat(IntentType.builder("a").recovery(3).build().maxRecoveries()).isEqualTo(3);
    assertThatThrownBy(() -> IntentType.builder("a").recovery(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IntentType.builder("a").recovery(IntentType.MAX_RECOVERIES + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IntentType.builder("a").recovery(1).recovery(2)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> IntentType.builder("a").recoveryWithoutUser().build())
        .isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void noCodeEmailOrTicketReachesTheLogs(StoreKind kind) {
    open(kind);
    RecoveryOffer offer = expiredLinkOffer(forAnn());
    engine.startRecovery(offer.ticket(), "ann@example.com");
    String code = sender.lastCode();
    Redemption recovered = engine.recover(offer.ticket(), code, LAPTOP);
    assertThat(CapturedLogs.lines()).noneMatch(line -> line.contains(offer.ticket()) || line.contains(code)
        || line.contains("ann@example.com") || line.contains(recovered.browserSecret()));
    assertThat(recovered.toString()).doesNotContain(recovered.browserSecret());
  }
}
