package dev.handoff;

import dev.handoff.spi.OtpSender;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for the SMS or email gateway, which cannot be real here: keeps what it was asked to send. */
final class RecordingOtpSender implements OtpSender {
  record Sent(String tenant, String sessionId, String email, String code) {}

  final List<Sent> sent = new CopyOnWriteArrayList<>();

  @Override
  public void send(String tenant, String sessionId, String email, String code) {
    sent.add(new Sent(tenant, sessionId, email, code));
  }

  String lastCode() {
    return sent.get(sent.size() - 1).code();
  }
}
