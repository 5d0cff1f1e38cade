package dev.handoff.reliability;

import dev.handoff.spi.OtpSender;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every code sent, per email, so tests can sign in and later look for codes in logs and rows. The engine
 * may send off the caller's thread: {@link #awaitLastCode} waits for it. Thread-safe.
 */
final class RecordingSender implements OtpSender {
  private final Map<String, String> lastCodeByEmail = new ConcurrentHashMap<>();
  final List<String> allCodes = new CopyOnWriteArrayList<>();

  @Override
  public void send(String tenant, String sessionId, String email, String code) {
    allCodes.add(code);
    lastCodeByEmail.put(tenant + "/" + email, code);
  }

  /** The last code sent to {@code email} in {@code tenant}, waiting up to 5 s for an asynchronous send. */
  String awaitLastCode(String tenant, String email) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      String code = lastCodeByEmail.remove(tenant + "/" + email);
      if (code != null) {
        return code;
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("no code was sent to " + email + " in " + tenant + " within 5 s");
  }
}
