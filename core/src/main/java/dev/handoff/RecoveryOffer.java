package dev.handoff;

import java.util.Objects;

/**
 * A session the hosted page may offer to continue by email: its link expired or was used, or its browser session
 * ended, and its intent type allows recovery ({@link IntentType.Builder#recovery}) with recoveries left. Immutable
 * and thread-safe; {@code toString()} redacts the ticket.
 *
 * @param session the session to recover, as it is now (for the page's language, theme, intent and way back)
 * @param ticket names the session in the recovery forms ({@link Handoff#startRecovery}, {@link Handoff#recover}):
 *     put it in a hidden field or an HttpOnly cookie, never in a URL; it works for 30 minutes. It is not the link
 *     token or the browser secret, and on its own it only lets its holder have a code sent to the session's user
 * @param codeSent whether a code was asked for and can still be tried, so that the page shows the code form
 */
public record RecoveryOffer(Session session, String ticket, boolean codeSent) {
  public RecoveryOffer {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(ticket, "ticket");
  }

  @Override
  public String toString() {
    return "RecoveryOffer[session=" + session + ", ticket=<redacted>, codeSent=" + codeSent + "]";
  }
}
