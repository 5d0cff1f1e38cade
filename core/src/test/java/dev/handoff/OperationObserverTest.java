package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import dev.handoff.spi.UserDirectory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OperationObserverTest {
  record Observed(Operation operation, Duration elapsed, ErrorCode error, Class<? extends Throwable> unexpected) {}

  private final TestEngines t = new TestEngines();
  private final List<Observed> observed = new CopyOnWriteArrayList<>();
  private final RecordingOtpSender sender = new RecordingOtpSender();
  private final Handoff engine = t.builder().otpSender(sender)
      .operationObserver((op, elapsed, error, unexpected) -> observed.add(new Observed(op, elapsed, error, unexpected)))
      .build();

  @Test
  void everyPublicOperationIsReportedOnceWithItsOutcome() {
    var issued = engine.create(checkout("p1").build());
    String id = issued.session().id();
    engine.get("p1", id);
    engine.list("p1", null, 10);
    engine.update("p1", id, UpdateSessionRequest.builder().callbackUrl("https://example.com/x").build());
    var redemption = engine.redeem(issued.token().orElseThrow());
    engine.authenticate(redemption.browserSecret());
    t.users.add("p1", "usr_1", "a@example.com");
    engine.startLogin(redemption.browserSecret(), "a@example.com");
    var signedIn = engine.verifyLogin(redemption.browserSecret(), sender.lastCode());
    engine.completeFromBrowser(signedIn.browserSecret()); // signing in rotated the secret
    var second = engine.create(checkout("p1").build());
    engine.revoke("p1", second.session().id());
    var third = engine.create(checkout("p1").user("usr_1").build());
    var thirdRedemption = engine.redeem(third.token().orElseThrow());
    engine.logout(thirdRedemption.browserSecret());
    var fourth = engine.create(checkout("p1").user("usr_1").build());
    engine.redeem(fourth.token().orElseThrow());
    engine.complete("p1", fourth.session().id());
    engine.revokeAllOfUser("p1", "usr_1");
    var fifth = engine.create(CreateSessionRequest.builder("p1").intent("resumeCheckout", Map.of("plan", "p"))
        .user("usr_1").build());
    t.clock.advance(Duration.ofHours(2));
    var offer = engine.recoveryForLink(fifth.token().orElseThrow()).orElseThrow();
    engine.startRecovery(offer.ticket(), "a@example.com");
    engine.recover(offer.ticket(), sender.lastCode(), ClientInfo.UNKNOWN);
    engine.purgeExpired(10);

    assertThat(observed).extracting(Observed::operation).containsExactly(
        Operation.CREATE, Operation.GET, Operation.LIST, Operation.UPDATE, Operation.REDEEM, Operation.AUTHENTICATE,
        Operation.START_LOGIN, Operation.VERIFY_LOGIN, Operation.COMPLETE_FROM_BROWSER, Operation.CREATE,
        Operation.REVOKE, Operation.CREATE, Operation.REDEEM, Operation.LOGOUT, Operation.CREATE, Operation.REDEEM,
        Operation.COMPLETE, Operation.REVOKE_ALL, Operation.CREATE, Operation.START_RECOVERY, Operation.RECOVER,
        Operation.PURGE);
    assertThat(observed).allSatisfy(o -> {
      assertThat(o.error()).isNull();
      assertThat(o.unexpected()).isNull();
      assertThat(o.elapsed()).isPositive();
    });
    assertThat(List.of(Operation.values())).containsExactlyInAnyOrderElementsOf(
        observed.stream().map(Observed::operation).distinct().toList());
  }

  @Test
  void aTypedFailureIsReportedWithItsCode() {
    assertThatThrownBy(() -> engine.get("p1", "csn_missing")).isInstanceOf(HandoffException.class);
    assertThatThrownBy(() -> engine.redeem("garbage")).isInstanceOf(HandoffException.class);

    assertThat(observed).containsExactly(
        new Observed(Operation.GET, observed.get(0).elapsed(), ErrorCode.NOT_FOUND, null),
        new Observed(Operation.REDEEM, observed.get(1).elapsed(), ErrorCode.INVALID_TOKEN, null));
  }

  @Test
  void anUntypedFailureIsReportedByItsClassAndStillThrown() {
    var failing = new UserDirectory() {
      @Override
      public Optional<User> findById(String tenant, String userId) {
        return Optional.empty();
      }

      @Override
      public Optional<User> findByEmail(String tenant, String email) {
        return Optional.empty();
      }

      @Override
      public User create(String tenant, UserDetails details) {
        throw new IllegalStateException("directory down");
      }
    };
    var engine = Handoff.builder().store(t.store).userDirectory(failing).keys(t.keys).clock(t.clock)
        .hostedPageUrl(TestEngines.BASE_URL).intents(TestEngines.INTENTS)
        .operationObserver((op, elapsed, error, unexpected) -> observed.add(new Observed(op, elapsed, error, unexpected)))
        .build();
    var issued = engine.create(checkout("p1").userDetails(UserDetails.ofEmail("new@example.com")).build());

    assertThatThrownBy(() -> engine.redeem(issued.token().orElseThrow())).isInstanceOf(IllegalStateException.class);
    assertThat(observed.get(1)).isEqualTo(
        new Observed(Operation.REDEEM, observed.get(1).elapsed(), null, IllegalStateException.class));
  }

  @Test
  void aThrowingObserverIsLoggedAndIgnored() {
    var engine = t.builder().operationObserver((op, elapsed, error, unexpected) -> {
      throw new IllegalStateException("observer bug");
    }).build();

    var issued = engine.create(checkout("p1").build());
    assertThat(engine.get("p1", issued.session().id()).id()).isEqualTo(issued.session().id());
    assertThatThrownBy(() -> engine.get("p1", "csn_missing"))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(CapturedLogs.lines()).anyMatch(l -> l.contains("operation observer") && l.contains("observer bug"));
  }

  @Test
  void theObserverIsSetOnce() {
    var builder = t.builder().operationObserver(OperationObserver.none());
    assertThatThrownBy(() -> builder.operationObserver(OperationObserver.none()))
        .isInstanceOf(IllegalStateException.class);
  }
}
