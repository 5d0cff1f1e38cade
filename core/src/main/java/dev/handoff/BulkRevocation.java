package dev.handoff;

import static dev.handoff.EngineContext.CAS_ATTEMPTS;
import static dev.handoff.EngineContext.lostRace;

import dev.handoff.spi.SessionPage;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Revoking many sessions in one call: every session of one user in a tenant (on a password change or an account
 * deletion), or of a whole tenant (an incident), that is live or could still be brought back by recovery. Each
 * session is revoked by its own compare-and-set, so a session that completes concurrently ends either completed or
 * revoked, never both.
 */
final class BulkRevocation {
  /** Sessions read per store round trip. */
  static final int PAGE_SIZE = 200;

  private final EngineContext ctx;

  BulkRevocation(EngineContext ctx) {
    this.ctx = ctx;
  }

  int revokeAllOfUser(String tenant, String userId) {
    RequestFields.tenant(tenant);
    var user = RequestFields.existingUser(userId);
    // The store answers from its index; checking the subject again costs nothing and keeps a faulty adapter from
    // revoking someone else's sessions.
    return revokeEach(cursor -> ctx.store.listByUser(tenant, user.userId(), cursor, PAGE_SIZE),
        s -> s.tenant().equals(tenant) && user.equals(s.subject()));
  }

  int revokeAllOfTenant(String tenant) {
    RequestFields.tenant(tenant);
    return revokeEach(cursor -> ctx.store.list(tenant, cursor, PAGE_SIZE), s -> s.tenant().equals(tenant));
  }

  private int revokeEach(Function<String, SessionPage> pages, Predicate<StoredSession> belongs) {
    int revoked = 0;
    String cursor = null;
    do {
      SessionPage page = pages.apply(cursor);
      for (StoredSession session : page.sessions()) {
        if (belongs.test(session) && revoke(session)) {
          revoked++;
        }
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    return revoked;
  }

  /**
   * Whether revoking still changes something: a live session, or one that ended by time or sign-out and could still
   * be recovered by email. A completed, revoked or already replaced session is over for good.
   */
  private static boolean revocable(StoredSession session) {
    return session.status() != SessionStatus.COMPLETED && session.status() != SessionStatus.REVOKED
        && session.recovery().replacedBy() == null;
  }

  /** Revokes one session unless it is over for good or deleted; whether this call revoked it. */
  private boolean revoke(StoredSession session) {
    StoredSession current = session;
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Instant now = ctx.clock.instant();
      if (!revocable(current)) {
        return false;
      }
      var next = current.toBuilder().status(SessionStatus.REVOKED).modifiedAt(now).version(current.version() + 1)
          .build();
      if (ctx.replace(next, current.version())) {
        ctx.publish(SessionEvent.Type.REVOKED, next, now);
        return true;
      }
      Optional<StoredSession> latest = ctx.store.find(current.tenant(), current.id());
      if (latest.isEmpty()) {
        return false;
      }
      current = latest.get();
    }
    throw lostRace();
  }
}
