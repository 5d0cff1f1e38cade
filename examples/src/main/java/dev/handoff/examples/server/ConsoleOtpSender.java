package dev.handoff.examples.server;

import dev.handoff.spi.OtpSender;
import java.io.PrintStream;

/**
 * Dev mode's "email": prints one-time sign-in codes to the console. This is the one place where the example
 * server writes a secret out, on purpose and labelled so; a real server sends the code by email or SMS instead.
 */
public final class ConsoleOtpSender implements OtpSender {
  private final PrintStream out;

  public ConsoleOtpSender(PrintStream out) {
    this.out = out;
  }

  @Override
  public void send(String tenant, String sessionId, String email, String code) {
    out.println("[DEV MODE ONLY: one-time code, would be emailed] " + email + " (session " + sessionId + "): "
        + code);
  }
}
