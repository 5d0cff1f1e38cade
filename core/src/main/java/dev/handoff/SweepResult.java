package dev.handoff;

/**
 * What one {@link Handoff#sweep} did. Immutable and thread-safe.
 *
 * @param expired how many sessions this call marked {@link dev.handoff.spi.SessionStatus#EXPIRED}, publishing
 *     {@link SessionEvent.Type#EXPIRED} for each; sessions that another node or thread marked first are not counted
 * @param abandoned how many of those had been redeemed and never completed, publishing
 *     {@link SessionEvent.Type#ABANDONED} for each
 * @param deleted how many sessions that ended longer than the retention ago this call deleted
 */
public record SweepResult(int expired, int abandoned, int deleted) {
  public SweepResult {
    if (expired < 0 || abandoned < 0 || abandoned > expired || deleted < 0) {
      throw new IllegalArgumentException("need 0 <= abandoned <= expired and 0 <= deleted");
    }
  }
}
