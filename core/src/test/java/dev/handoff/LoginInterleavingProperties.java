package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the order of sign-in starts, right and wrong codes, logouts, revocations, completions and the passing
 * of time, the session only ever moves along the lifecycle, and its user is bound at most once.
 */
class LoginInterleavingProperties {
  enum Op { START, VERIFY_RIGHT, VERIFY_WRONG, AUTHENTICATE, LOGOUT, REVOKE, COMPLETE, WAIT_SHORT, WAIT_LONG }

  @Provide
  Arbitrary<List<Op>> operations() {
    return Arbitraries.of(Op.class).list().ofMinSize(1).ofMaxSize(25);
  }

  @Property(tries = 300)
  void sessionStaysValidAndUserIsBoundAtMostOnce(@ForAll("operations") List<Op> ops) {
    var t = new TestEngines();
    t.users.add("p1", "usr_1", "a@example.com");
    var sender = new RecordingOtpSender();
    var engine = t.builder().otpSender(sender).idleTimeout(Duration.ofMinutes(20)).build();
    var issued = engine.create(checkout("p1").ttl("1h").build());
    String secret = engine.redeem(issued.token().orElseThrow()).browserSecret();
    String id = issued.session().id();

    StoredSession before = t.store.find("p1", id).orElseThrow();
    int bindings = 0;
    for (Op op : ops) {
      try {
        switch (op) {
          case START -> engine.startLogin(secret, "a@example.com");
          case VERIFY_RIGHT -> engine.verifyLogin(secret, sender.sent.isEmpty() ? "000000" : sender.lastCode());
          case VERIFY_WRONG -> engine.verifyLogin(secret, "abc");
          case AUTHENTICATE -> engine.authenticate(secret);
          case LOGOUT -> engine.logout(secret);
          case REVOKE -> engine.revoke("p1", id);
          case COMPLETE -> engine.completeFromBrowser(secret);
          case WAIT_SHORT -> t.clock.advance(Duration.ofMinutes(3));
          case WAIT_LONG -> t.clock.advance(Duration.ofMinutes(25));
        }
      } catch (HandoffException expected) {
        // Refusals are part of the law: they must leave the session valid, which is checked below.
      }
      StoredSession after = t.store.find("p1", id).orElseThrow();
      if (after.status() != before.status()) {
        assertThat(SessionLifecycle.allows(before.status(), after.status()))
            .as("%s -> %s after %s", before.status(), after.status(), op).isTrue();
      }
      if (after.status() == SessionStatus.ACTIVE) {
        assertThat(after.subject()).isInstanceOf(Subject.ExistingUser.class);
      }
      if (!after.subject().equals(before.subject())) {
        bindings++;
        assertThat(before.subject()).isEqualTo(Subject.ANONYMOUS);
      }
      if (after.challenge() != null) {
        assertThat(after.challenge().attemptsLeft()).isBetween(0, LoginPolicy.defaults().maxAttempts());
        assertThat(after.challenge().sends()).isBetween(1, LoginPolicy.defaults().maxSends());
      }
      assertThat(after.version()).isGreaterThanOrEqualTo(before.version());
      before = after;
    }
    assertThat(bindings).isLessThanOrEqualTo(1);
  }
}
