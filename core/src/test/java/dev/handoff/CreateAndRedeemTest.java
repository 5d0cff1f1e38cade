package dev.handoff;

import static dev.handoff.TestEngines.BASE_URL;
import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.Subject;
import dev.handoff.spi.UserDetails;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CreateAndRedeemTest {
  private final TestEngines t = new TestEngines();
  private final Handoff engine = t.engine();

  @Test
  void authenticatedSessionRedeemsOnceWithItsUser() {
    var user = t.users.add("p1", "usr_1", "ada@example.com");
    var issued = engine.create(checkout("p1").user("usr_1").callbackUrl("https://example.com/done").build());

    var session = issued.session();
    assertThat(session.id()).startsWith("csn_");
    assertThat(session.status()).isEqualTo(SessionStatus.OPEN);
    assertThat(session.expiresAt()).isEqualTo(TestEngines.START.plus(Duration.ofHours(1)));
    String url = issued.url().orElseThrow();
    assertThat(url).isEqualTo(BASE_URL + "?session=" + session.id() + "&token=" + issued.token().orElseThrow());

    var redemption = engine.redeem(issued.token().orElseThrow());
    assertThat(redemption.loginRequired()).isFalse();
    assertThat(redemption.user()).isEqualTo(user);
    assertThat(redemption.session().status()).isEqualTo(SessionStatus.ACTIVE);
    assertThat(redemption.session().intent().payload()).containsEntry("plan", "pln_1");

    assertThatThrownBy(() -> engine.redeem(issued.token().orElseThrow()))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
  }

  @Test
  void urlKeepsAnExistingQueryOfTheBase() {
    var engine = t.builder().build();
    var other = Handoff.builder().store(t.store).userDirectory(t.users).keys(t.keys).clock(t.clock)
        .hostedPageUrl("http://localhost:8080/entry?tenant=x").intents(TestEngines.INTENTS).build();
    var issued = other.create(checkout("p1").build());
    assertThat(issued.url().orElseThrow()).startsWith("http://localhost:8080/entry?tenant=x&session=");
    assertThat(URI.create(issued.url().orElseThrow()).getQuery()).contains("&token=");
    assertThat(engine.redeem(issued.token().orElseThrow()).loginRequired()).isTrue();
  }

  @Test
  void unknownUserIsRefusedAtCreation() {
    assertThatThrownBy(() -> engine.create(checkout("p1").user("usr_nobody").build()))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(engine.list("p1", null, 10).sessions()).isEmpty();
  }

  @Test
  void userDetailsCreateTheUserOnFirstRedemption() {
    var issued = engine.create(checkout("p1").userDetails(new UserDetails("new@example.com", "New", Map.of()))
        .build());
    assertThat(t.users.createdCount()).isZero();
    assertThat(issued.session().subject()).isInstanceOf(Subject.NewUser.class);

    var redemption = engine.redeem(issued.token().orElseThrow());

    assertThat(t.users.createdCount()).isEqualTo(1);
    assertThat(redemption.user().email()).isEqualTo("new@example.com");
    assertThat(redemption.session().userId()).contains(redemption.user().id());
    assertThat(engine.get("p1", issued.session().id()).subject())
        .isEqualTo(new Subject.ExistingUser(redemption.user().id()));
  }

  @Test
  void userDetailsWithATakenEmailAreRefusedAtCreation() {
    t.users.add("p1", "usr_1", "Taken@Example.com");
    assertThatThrownBy(() -> engine.create(checkout("p1").userDetails(UserDetails.ofEmail("taken@example.com"))
        .build()))
        .isInstanceOfSatisfying(HandoffException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNPROCESSABLE));
    // Another tenant's users do not count.
    assertThat(engine.create(checkout("p2").userDetails(UserDetails.ofEmail("taken@example.com")).build())
        .url()).isPresent();
  }

  @Test
  void emailTakenBetweenCreationAndRedemptionChangesNothing() {
    var issued = engine.create(checkout("p1").userDetails(UserDetails.ofEmail("late@example.com")).build());
    t.users.add("p1", "usr_9", "late@example.com");

    assertThatThrownBy(() -> engine.redeem(issued.token().orElseThrow()))
        .isInstanceOfSatisfying(HandoffException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNPROCESSABLE));
    assertThat(engine.get("p1", issued.session().id()).status()).isEqualTo(SessionStatus.OPEN);
  }

  @Test
  void unauthenticatedSessionRequiresLogin() {
    var issued = engine.create(checkout("p1").build());
    var redemption = engine.redeem(issued.token().orElseThrow());
    assertThat(redemption.loginRequired()).isTrue();
    assertThat(redemption.optionalUser()).isEmpty();
    assertThat(redemption.session().status()).isEqualTo(SessionStatus.LOGIN_REQUIRED);
  }

  @Test
  void reusableSessionRedeemsUntilExpiry() {
    t.users.add("p1", "usr_1", "ada@example.com");
    var issued = engine.create(checkout("p1").user("usr_1").singleUse(false).build());
    String token = issued.token().orElseThrow();
    engine.redeem(token);
    assertThat(engine.redeem(token).session().status()).isEqualTo(SessionStatus.ACTIVE);
    t.clock.advance(Duration.ofHours(1));
    assertThatThrownBy(() -> engine.redeem(token))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPIRED));
  }

  @Test
  void engineWideReusePolicyCanBeOverriddenPerSession() {
    var reusable = t.builder().singleUse(false).build();
    String token = reusable.create(checkout("p1").singleUse(true).build()).token().orElseThrow();
    reusable.redeem(token);
    assertThatThrownBy(() -> reusable.redeem(token)).isInstanceOf(HandoffException.class);
  }

  @Test
  void redemptionAfterExpiryIsExpiredAndPublishedOnce() {
    var events = new java.util.concurrent.CopyOnWriteArrayList<SessionEvent>();
    var engine = t.builder().listener(events::add).build();
    var issued = engine.create(checkout("p1").ttl("2m").build());
    t.clock.advance(Duration.ofMinutes(2));
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> engine.redeem(issued.token().orElseThrow()))
          .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPIRED));
    }
    assertThat(events).extracting(SessionEvent::type)
        .containsExactly(SessionEvent.Type.CREATED, SessionEvent.Type.EXPIRED);
    assertThat(engine.get("p1", issued.session().id()).status()).isEqualTo(SessionStatus.EXPIRED);
  }

  @Test
  void redemptionJustBeforeExpirySucceeds() {
    var issued = engine.create(checkout("p1").ttl(Duration.ofMinutes(5)).build());
    t.clock.advance(Duration.ofMinutes(5).minusMillis(1));
    assertThat(engine.redeem(issued.token().orElseThrow()).session().status())
        .isEqualTo(SessionStatus.LOGIN_REQUIRED);
  }

  @Test
  void tokenOfAnotherKeyRingIsInvalid() {
    var foreign = new TestEngines().engine().create(checkout("p1").build());
    assertThatThrownBy(() -> engine.redeem(foreign.token().orElseThrow()))
        .isInstanceOfSatisfying(HandoffException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
  }

  @Test
  void malformedTokensAreInvalid() {
    for (String token : new String[] {"", "abc", "a.b.c.d.e", "x".repeat(5000), "a.b.c.d.e.f", "....."}) {
      assertThatThrownBy(() -> engine.redeem(token))
          .isInstanceOfSatisfying(HandoffException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
    }
    assertThatThrownBy(() -> engine.redeem(null)).isInstanceOf(HandoffException.class);
  }

  @Test
  void sessionsOfTwoTenantsAreApart() {
    var a = engine.create(checkout("tenant-a").build()).session();
    var b = engine.create(checkout("tenant-b").build()).session();
    assertThat(engine.get("tenant-a", a.id())).isEqualTo(a);
    assertThatThrownBy(() -> engine.get("tenant-b", a.id()))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> engine.revoke("tenant-a", b.id())).isInstanceOf(HandoffException.class);
    assertThat(engine.list("tenant-a", null, 10).sessions()).containsExactly(a);
  }

  @Test
  void listPagesThroughATenantOldestFirst() {
    var ids = new java.util.ArrayList<String>();
    for (int i = 0; i < 5; i++) {
      ids.add(engine.create(checkout("p1").build()).session().id());
      t.clock.advance(Duration.ofMillis(3));
    }
    engine.create(checkout("p2").build());
    var seen = new java.util.ArrayList<String>();
    String cursor = null;
    do {
      var page = engine.list("p1", cursor, 2);
      assertThat(page.sessions()).hasSizeLessThanOrEqualTo(2);
      page.sessions().forEach(s -> seen.add(s.id()));
      cursor = page.nextCursor();
    } while (cursor != null);
    assertThat(seen).containsExactlyElementsOf(ids);
    assertThatThrownBy(() -> engine.list("p1", null, 0)).isInstanceOf(HandoffException.class);
    assertThatThrownBy(() -> engine.list("p1", null, Handoff.MAX_PAGE_SIZE + 1)).isInstanceOf(HandoffException.class);
  }
}
