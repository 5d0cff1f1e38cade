package dev.handoff;

/**
 * Receives {@link SessionEvent}s, e.g. to audit or to send webhooks. Called synchronously on the thread that
 * performed the operation, after the change was stored; keep it fast and hand slow work off. An exception thrown
 * by a listener is logged and never breaks the operation. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface SessionListener {
  void onEvent(SessionEvent event);
}
