package dev.handoff;

import static dev.handoff.spi.SessionStatus.ACTIVE;
import static dev.handoff.spi.SessionStatus.COMPLETED;
import static dev.handoff.spi.SessionStatus.EXPIRED;
import static dev.handoff.spi.SessionStatus.LOGGED_OUT;
import static dev.handoff.spi.SessionStatus.LOGIN_REQUIRED;
import static dev.handoff.spi.SessionStatus.OPEN;
import static dev.handoff.spi.SessionStatus.REVOKED;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStatus;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/** The one place that decides which status changes are allowed (see {@link SessionStatus}). */
final class SessionLifecycle {
  private static final Map<SessionStatus, Set<SessionStatus>> ALLOWED = allowedTransitions();

  private static Map<SessionStatus, Set<SessionStatus>> allowedTransitions() {
    var allowed = new EnumMap<SessionStatus, Set<SessionStatus>>(SessionStatus.class);
    allowed.put(OPEN, Set.of(LOGIN_REQUIRED, ACTIVE, REVOKED, EXPIRED));
    // Back to OPEN: the server associated a user with a session that was waiting for a sign-in.
    allowed.put(LOGIN_REQUIRED, Set.of(OPEN, ACTIVE, LOGGED_OUT, REVOKED, EXPIRED));
    allowed.put(ACTIVE, Set.of(COMPLETED, LOGGED_OUT, REVOKED, EXPIRED));
    for (SessionStatus terminal : SessionStatus.values()) {
      allowed.putIfAbsent(terminal, Set.of());
    }
    return Collections.unmodifiableMap(allowed);
  }

  private SessionLifecycle() {}

  static boolean allows(SessionStatus from, SessionStatus to) {
    return ALLOWED.get(from).contains(to);
  }

  /** @throws HandoffException {@link ErrorCode#CONFLICT} if the change is not allowed */
  static void check(SessionStatus from, SessionStatus to) {
    if (!allows(from, to)) {
      throw new HandoffException(ErrorCode.CONFLICT, "a session that is " + from + " cannot become " + to);
    }
  }
}
