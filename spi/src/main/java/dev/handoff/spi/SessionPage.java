package dev.handoff.spi;

import java.util.List;
import java.util.Objects;

/**
 * One page of a tenant's sessions, from {@link SessionStore#list}.
 *
 * @param sessions the sessions of this page, in ascending id order
 * @param nextCursor the cursor for the next page, or {@code null} if no session follows this page
 */
public record SessionPage(List<StoredSession> sessions, String nextCursor) {
  public SessionPage {
    sessions = List.copyOf(Objects.requireNonNull(sessions, "sessions"));
  }
}
