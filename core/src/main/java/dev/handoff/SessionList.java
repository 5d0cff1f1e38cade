package dev.handoff;

import java.util.List;

/**
 * One page of a tenant's sessions. Immutable and thread-safe.
 *
 * @param sessions the sessions, oldest first
 * @param nextCursor pass to {@link Handoff#list} for the next page; {@code null} when this is the last page
 */
public record SessionList(List<Session> sessions, String nextCursor) {
  public SessionList {
    sessions = List.copyOf(sessions);
  }
}
