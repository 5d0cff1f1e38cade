package dev.handoff;

import static dev.handoff.EngineContext.CAS_ATTEMPTS;
import static dev.handoff.EngineContext.lostRace;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import java.time.Instant;
import java.util.List;

/** The server side's end of a session (completing, revoking) and the sweeping of ended ones. */
final class LifecycleFlow {
  private final EngineContext ctx;

  LifecycleFlow(EngineContext ctx) {
    this.ctx = ctx;
  }

  Session complete(String tenant, String sessionId) {
    return transition(tenant, sessionId, SessionStatus.COMPLETED, SessionEvent.Type.COMPLETED);
  }

  Session revoke(String tenant, String sessionId) {
    return transition(tenant, sessionId, SessionStatus.REVOKED, SessionEvent.Type.REVOKED);
  }

  private Session transition(String tenant, String sessionId, SessionStatus target, SessionEvent.Type event) {
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Instant now = ctx.clock.instant();
      StoredSession current = ctx.find(tenant, sessionId);
      SessionLifecycle.check(ctx.requireLive(current, now), target);
      var next = current.toBuilder().status(target).modifiedAt(now).version(current.version() + 1).build();
      if (ctx.replace(next, current.version())) {
        ctx.publish(event, next, now);
        return Session.of(next, now);
      }
    }
    throw lostRace();
  }

  /**
   * Marks the sessions whose time ran out, publishing each one's end once (see {@link EngineContext#markExpired}),
   * then deletes those past the retention. Marking comes first, earliest end first where the store orders them, so
   * that a session is marked before it becomes old enough to delete.
   */
  SweepResult sweep(int limit) {
    if (limit < 1) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "limit must be at least 1");
    }
    Instant now = ctx.clock.instant();
    int expired = 0;
    int abandoned = 0;
    // One replaceEach for the whole batch: a store may mark it in one transaction instead of one per session.
    List<StoredSession> ended = ctx.store.listEnded(now, limit).stream().filter(s -> s.isExpiredAt(now)).toList();
    for (StoredSession marked : ctx.markAllExpired(ended, now)) {
      expired++;
      abandoned += EngineContext.wasRedeemed(marked.status()) ? 1 : 0;
    }
    int deleted = ctx.store.deleteExpired(now.minus(ctx.retention), limit);
    return new SweepResult(expired, abandoned, deleted);
  }
}
