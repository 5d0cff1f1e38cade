package dev.handoff.reliability;

import static dev.handoff.reliability.Engines.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.Handoff;
import dev.handoff.KeyRing;
import dev.handoff.SessionEvent;
import dev.handoff.SweepResult;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 14: two engine nodes over one store sweep the same ended sessions from several threads while each also
 * notices expiries on reads (revoke, redeem, authenticate); every session still gets exactly one EXPIRED event in
 * total, ABANDONED exactly for the redeemed ones, and none for completed or revoked ones. The number of sessions
 * comes from {@code handoff.sweep.sessions} (default {@value #DEFAULT_SESSIONS}).
 */
class ExactlyOnceSweepTest {
  static final int DEFAULT_SESSIONS = 2_000;
  private static final String TENANT = "t1";
  /** Of each {@value #THREADS_PER_NODE} threads of a node, one notices expiries on reads, the others sweep. */
  private static final int THREADS_PER_NODE = Races.THREADS / 2;
  private static final int SWEEP_LIMIT = 25;

  private final Users users = new Users();
  private final RecordingSender sender = new RecordingSender();
  private final SettableClock clock = new SettableClock(Instant.now());

  /** How each session was left before its time ran out: the index of its kind is the session's index mod 5. */
  private enum Kind {
    NEVER_OPENED, ACTIVE, WAITING_FOR_SIGN_IN, COMPLETED, REVOKED;

    boolean expires() {
      return this == NEVER_OPENED || this == ACTIVE || this == WAITING_FOR_SIGN_IN;
    }

    boolean abandoned() {
      return this == ACTIVE || this == WAITING_FOR_SIGN_IN;
    }
  }

  /** A session, with the link or browser secret a read can notice its expiry by. */
  private record Created(String id, Kind kind, String token, String browserSecret) {}

  private Handoff node(SessionStore store, KeyRing keys, Queue<SessionEvent> events) {
    return Engines.builder(store, users, sender, keys).clock(clock).listener(events::add).build();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void twoNodesSweepingAndReadingAtOncePublishEachEndExactlyOnce(Backend backend) throws Exception {
    int count = Integer.getInteger("handoff.sweep.sessions", DEFAULT_SESSIONS);
    try (StoreFixture fixture = StoreFixture.open(backend); Races races = new Races()) {
      var keys = KeyRing.generate();
      Queue<SessionEvent> eventsA = new ConcurrentLinkedQueue<>();
      Queue<SessionEvent> eventsB = new ConcurrentLinkedQueue<>();
      SessionStore storeB = fixture.otherNode();
      Handoff nodeA = node(fixture.store(), keys, eventsA);
      Handoff nodeB = node(storeB, keys, eventsB);
      users.add(TENANT, "usr_1", "ann@example.com");
      List<Created> sessions = create(nodeA, count);
      clock.advance(Duration.ofMinutes(10));
      eventsA.clear();
      eventsB.clear();

      var tasks = new ArrayList<Callable<Object>>();
      for (int i = 1; i < THREADS_PER_NODE; i++) {
        tasks.add(() -> sweepUntilNoneLeft(nodeA, fixture.store()));
        tasks.add(() -> sweepUntilNoneLeft(nodeB, storeB));
      }
      // The sweepers take the earliest ends first, the readers the latest: both mark many, and they meet.
      var latestFirst = new ArrayList<>(sessions);
      Collections.reverse(latestFirst);
      tasks.add(() -> noticeByRevoking(nodeA, latestFirst));
      tasks.add(() -> noticeByUsingTheLinks(nodeB, latestFirst));
      List<Object> results = races.race(tasks);

      assertThat(fixture.store().listEnded(clock.instant(), 1)).isEmpty();
      var all = new ArrayList<SessionEvent>(eventsA);
      all.addAll(eventsB);
      assertThat(all).extracting(SessionEvent::type)
          .allMatch(type -> type == SessionEvent.Type.EXPIRED || type == SessionEvent.Type.ABANDONED);
      Map<String, int[]> perSession = new HashMap<>();
      for (SessionEvent e : all) {
        int[] counts = perSession.computeIfAbsent(e.session().id(), id -> new int[2]);
        counts[e.type() == SessionEvent.Type.EXPIRED ? 0 : 1]++;
      }
      for (Created s : sessions) {
        int[] counts = perSession.getOrDefault(s.id(), new int[2]);
        assertThat(counts[0]).as("EXPIRED events of %s session %s", s.kind(), s.id())
            .isEqualTo(s.kind().expires() ? 1 : 0);
        assertThat(counts[1]).as("ABANDONED events of %s session %s", s.kind(), s.id())
            .isEqualTo(s.kind().abandoned() ? 1 : 0);
        assertThat(nodeB.get(TENANT, s.id()).status()).isEqualTo(switch (s.kind()) {
          case COMPLETED -> SessionStatus.COMPLETED;
          case REVOKED -> SessionStatus.REVOKED;
          default -> SessionStatus.EXPIRED;
        });
      }
      int swept = 0;
      for (Object r : results) {
        if (r instanceof SweepResult sweep) {
          swept += sweep.expired();
        }
      }
      long expired = all.stream().filter(e -> e.type() == SessionEvent.Type.EXPIRED).count();
      assertThat(swept).isLessThanOrEqualTo((int) expired);
      System.out.printf("exactly-once sweep on %s: %d sessions, 2 nodes x %d threads (%d sweeping, 1 reading); "
              + "EXPIRED %d (node A %d, node B %d; %d by sweeps, %d on reads), ABANDONED %d (node A %d, node B %d)%n",
          backend, count, THREADS_PER_NODE, THREADS_PER_NODE - 1, expired, count(eventsA, SessionEvent.Type.EXPIRED),
          count(eventsB, SessionEvent.Type.EXPIRED), swept, expired - swept,
          count(all, SessionEvent.Type.ABANDONED), count(eventsA, SessionEvent.Type.ABANDONED),
          count(eventsB, SessionEvent.Type.ABANDONED));
    }
  }

  /**
   * One redeemed session per round, its time just run out, noticed at the same instant by sweeps and reads on both
   * nodes ({@link Races#THREADS} threads released together): one EXPIRED and one ABANDONED event per round.
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void readsAndSweepsNoticingOneExpiryAtOnceMarkItOnce(Backend backend) throws Exception {
    try (StoreFixture fixture = StoreFixture.open(backend); Races races = new Races()) {
      var keys = KeyRing.generate();
      Queue<SessionEvent> events = new ConcurrentLinkedQueue<>();
      Handoff nodeA = node(fixture.store(), keys, events);
      Handoff nodeB = node(fixture.otherNode(), keys, events);
      users.add(TENANT, "usr_1", "ann@example.com");
      int rounds = Races.rounds(backend);
      for (int round = 0; round < rounds; round++) {
        String token = nodeA.create(checkout(TENANT).user("usr_1").activeLifetime("1m").build()).token()
            .orElseThrow();
        var redemption = nodeB.redeem(token);
        String id = redemption.session().id();
        clock.advance(Duration.ofMinutes(1));
        events.clear();
        var tasks = new ArrayList<Callable<Object>>();
        for (Handoff node : List.of(nodeA, nodeB)) {
          tasks.add(() -> node.sweep(1));
          tasks.add(() -> node.sweep(1));
          tasks.add(() -> Outcome.of(() -> node.revoke(TENANT, id)).error());
          tasks.add(() -> Outcome.of(() -> node.authenticate(redemption.browserSecret())).error());
        }
        races.race(tasks);
        assertThat(events).extracting(SessionEvent::type).as("round %d on %s", round, backend)
            .containsExactlyInAnyOrder(SessionEvent.Type.EXPIRED, SessionEvent.Type.ABANDONED);
      }
    }
  }

  private List<Created> create(Handoff node, int count) {
    var sessions = new ArrayList<Created>(count);
    for (int i = 0; i < count; i++) {
      Kind kind = Kind.values()[i % Kind.values().length];
      var request = checkout(TENANT).ttl("5m").activeLifetime("5m");
      if (kind == Kind.ACTIVE || kind == Kind.COMPLETED) {
        request.user("usr_1");
      }
      var issued = node.create(request.build());
      String id = issued.session().id();
      String token = issued.token().orElseThrow();
      String secret = null;
      switch (kind) {
        case ACTIVE, WAITING_FOR_SIGN_IN -> secret = node.redeem(token).browserSecret();
        case COMPLETED -> node.complete(TENANT, node.redeem(token).session().id());
        case REVOKED -> node.revoke(TENANT, id);
        default -> { }
      }
      sessions.add(new Created(id, kind, token, secret));
      clock.advance(Duration.ofMillis(1)); // ends in creation order: sweeps take the earliest first
    }
    return sessions;
  }

  /** Sweeps in small batches until the store holds no ended session left to mark; the sum of what it marked. */
  private SweepResult sweepUntilNoneLeft(Handoff node, SessionStore store) {
    int expired = 0;
    int abandoned = 0;
    int deleted = 0;
    while (!store.listEnded(clock.instant(), 1).isEmpty()) {
      SweepResult r = node.sweep(SWEEP_LIMIT);
      expired += r.expired();
      abandoned += r.abandoned();
      deleted += r.deleted();
    }
    return new SweepResult(expired, abandoned, deleted);
  }

  /** Revokes every session: an expired one is marked on the way and refused, a finished one refused. */
  private static Object noticeByRevoking(Handoff node, List<Created> sessions) throws Exception {
    for (Created s : sessions) {
      var outcome = Outcome.of(() -> node.revoke(TENANT, s.id()));
      assertThat(outcome.error()).as("revoke of %s session %s", s.kind(), s.id())
          .isEqualTo(s.kind().expires() ? ErrorCode.EXPIRED : ErrorCode.CONFLICT);
    }
    return null;
  }

  /** Opens each link never opened, and each browser session still bound: all refused, expiries marked. */
  private static Object noticeByUsingTheLinks(Handoff node, List<Created> sessions) throws Exception {
    for (Created s : sessions) {
      if (s.kind() == Kind.NEVER_OPENED) {
        assertThat(Outcome.of(() -> node.redeem(s.token())).error()).isEqualTo(ErrorCode.EXPIRED);
      } else if (s.browserSecret() != null) {
        assertThat(Outcome.of(() -> node.authenticate(s.browserSecret())).error())
            .isEqualTo(ErrorCode.INVALID_TOKEN);
      }
    }
    return null;
  }

  private static long count(Iterable<SessionEvent> events, SessionEvent.Type type) {
    long n = 0;
    for (SessionEvent e : events) {
      n += e.type() == type ? 1 : 0;
    }
    return n;
  }
}
