package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.OtpSender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 finding #4: {@code startLogin} must not tell a known email from an unknown one, by outcome or by time. The
 * code is sent off the caller's thread, by the engine's default executor here, and a failing sender is logged
 * (without code or email) and reported to listeners, never thrown at the caller.
 */
class SignInWithoutOraclesTest {
  private final TestEngines t = new TestEngines();
  private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

  private Handoff engine(OtpSender sender) {
    // Not t.builder(): that one sends on the caller's thread for the other tests' convenience.
    return Handoff.builder().store(t.store).userDirectory(t.users).keys(t.keys).clock(t.clock)
        .hostedPageUrl(TestEngines.BASE_URL).intents(TestEngines.INTENTS).otpSender(sender).listener(events::add)
        .build();
  }

  private static String loginRequired(Handoff engine) {
    return engine.redeem(engine.create(checkout("p1").build()).token().orElseThrow()).browserSecret();
  }

  @Test
  void aSlowSenderNeverHoldsTheCaller() throws InterruptedException {
    t.users.add("p1", "usr_1", "ann@example.com");
    var entered = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    var sent = new CopyOnWriteArrayList<String>();
    var engine = engine((tenant, session, email, code) -> {
      entered.countDown();
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sent.add(code);
    });

    engine.startLogin(loginRequired(engine), "ann@example.com");
    // Had the caller waited for the sender, the sender would have been released already: it is not.
    assertThat(entered.await(10, TimeUnit.SECONDS)).as("the sender was called").isTrue();
    assertThat(sent).isEmpty();
    engine.startLogin(loginRequired(engine), "nobody@example.com");
    release.countDown();
    Eventually.holds(Duration.ofSeconds(10), () -> sent.size() == 1);
  }

  @Test
  void aFailingSenderIsLoggedWithoutCodeOrEmailAndReported() {
    t.users.add("p1", "usr_1", "grace@example.com");
    var codes = new CopyOnWriteArrayList<String>();
    var engine = engine((tenant, session, email, code) -> {
      codes.add(code);
      throw new IllegalStateException("gateway refused " + email + " code " + code);
    });

    // Known and unknown: the same outcome, no exception.
    engine.startLogin(loginRequired(engine), "grace@example.com");
    engine.startLogin(loginRequired(engine), "nobody@example.com");

    Eventually.holds(Duration.ofSeconds(10), () -> events.stream()
        .anyMatch(e -> e.type() == SessionEvent.Type.CODE_NOT_SENT));
    assertThat(codes).hasSize(1);
    assertThat(events).filteredOn(e -> e.type() == SessionEvent.Type.CODE_NOT_SENT).hasSize(1);
    var lines = CapturedLogs.lines();
    assertThat(lines).anyMatch(l -> l.contains("was not sent") && l.contains("IllegalStateException"));
    assertThat(lines).noneMatch(l -> l.contains("grace@example.com") || l.contains(codes.get(0))
        || l.contains("gateway refused"));
  }

  @Test
  void aSendTheExecutorRefusesIsReportedNotThrown() {
    t.users.add("p1", "usr_1", "ann@example.com");
    var engine = Handoff.builder().store(t.store).userDirectory(t.users).keys(t.keys).clock(t.clock)
        .hostedPageUrl(TestEngines.BASE_URL).intents(TestEngines.INTENTS).otpSender(new RecordingOtpSender())
        .otpExecutor(task -> {
          throw new RejectedExecutionException("queue full");
        })
        .listener(events::add).build();

    engine.startLogin(loginRequired(engine), "ann@example.com");
    assertThat(events).extracting(SessionEvent::type).contains(SessionEvent.Type.CODE_NOT_SENT);
  }
}
