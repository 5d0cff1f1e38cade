package dev.handoff;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The tickets that name a recoverable session in the hosted page's recovery forms, so that neither the link token
 * nor the browser secret has to travel in a form: {@code hr1.<base64url(tenant)>.<session id>.<expiry in epoch
 * seconds>.<kid>.<mac>}, where {@code <kid>.<mac>} is the keyed digest (HMAC-SHA256, purpose
 * {@code recovery-ticket}) of everything before it. Any node sharing the key ring issues and accepts the same
 * ones; a forged or altered ticket, an expired one, or one under a retired key is refused. A ticket only lets its
 * holder ask for a code to be sent to the session's user, and try that code: it is issued to whoever showed the
 * link or the browser secret. Thread-safe.
 */
final class RecoveryTickets {
  /** How long a ticket works: time to ask for a code, read the email and type it, with room to spare. */
  static final Duration LIFETIME = Duration.ofMinutes(30);
  private static final String VERSION = "hr1";
  private static final int MAX_LENGTH = 512;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /** Which session a valid ticket names. */
  record Ticket(String tenant, String sessionId) {}

  private final KeyedDigest macs;

  RecoveryTickets(KeyedDigest macs) {
    this.macs = macs;
  }

  String issue(String tenant, String sessionId, Instant now) {
    String payload = VERSION + "." + ENCODER.encodeToString(tenant.getBytes(StandardCharsets.UTF_8)) + "."
        + sessionId + "." + now.plus(LIFETIME).getEpochSecond();
    return payload + "." + macs.digest(payload);
  }

  /** The session a ticket names, or {@code null} for anything but an authentic, unexpired ticket (never throws). */
  Ticket open(String ticket, Instant now) {
    if (ticket == null || ticket.length() > MAX_LENGTH || !ticket.startsWith(VERSION + ".")) {
      return null;
    }
    String[] parts = ticket.split("\\.", -1);
    if (parts.length != 6) {
      return null;
    }
    String payload = String.join(".", parts[0], parts[1], parts[2], parts[3]);
    if (!parts[3].matches("[0-9]{1,12}") || !macs.matches(payload, parts[4] + "." + parts[5])) {
      return null;
    }
    if (!now.isBefore(Instant.ofEpochSecond(Long.parseLong(parts[3])))) {
      return null;
    }
    try {
      String tenant = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(DECODER.decode(parts[1])))
          .toString();
      // Issued by the engine for a stored session, so these hold; checked anyway before any store sees them.
      if (!RequestFields.isIdentifier(tenant, RequestFields.MAX_TENANT_LENGTH)
          || !RequestFields.isIdentifier(parts[2], RequestFields.MAX_ID_LENGTH)) {
        return null;
      }
      return new Ticket(tenant, parts[2]);
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return null;
    }
  }
}
