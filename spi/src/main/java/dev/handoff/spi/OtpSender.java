package dev.handoff.spi;

/**
 * Delivers one-time sign-in codes (by email or SMS) for the embedding server. The engine calls it only for
 * addresses that may sign in; it never logs the code, and implementations must not either.
 *
 * <p>Implementations must be thread-safe. A delivery failure may be thrown as any runtime exception; the engine
 * passes it on to the caller of {@code startLogin}.
 */
@FunctionalInterface
public interface OtpSender {

  /**
   * Sends {@code code} to {@code email}.
   *
   * @param tenant the tenant the session belongs to
   * @param sessionId the hosted session the sign-in is for
   * @param email the address to send to
   * @param code the one-time code; secret
   */
  void send(String tenant, String sessionId, String email, String code);
}
