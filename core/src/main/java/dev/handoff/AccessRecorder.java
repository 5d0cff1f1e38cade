package dev.handoff;

import dev.handoff.spi.AccessRecord;
import java.time.Instant;

/**
 * Turns what the HTTP layer saw of a browser ({@link ClientInfo}, untrusted) into the {@link AccessRecord} a session
 * keeps: the address by the embedder's {@link AddressPolicy}, the user agent as printable ASCII of bounded length.
 * The one place where these values are validated; never throws for any input. Thread-safe.
 */
final class AccessRecorder {
  private final AddressPolicy policy;
  private final KeyedDigest addressDigests;

  AccessRecorder(AddressPolicy policy, KeyedDigest addressDigests) {
    this.policy = policy;
    this.addressDigests = addressDigests;
  }

  AccessRecord record(AccessRecord.Step step, Instant at, ClientInfo client) {
    return new AccessRecord(step, at, address(client.address()), userAgent(client.userAgent()));
  }

  /** The address as the policy keeps it, or {@code null} if it is unknown, not an IP literal, or not kept. */
  String address(String raw) {
    return switch (policy) {
      case TRUNCATED -> ClientAddresses.truncated(raw);
      case KEYED_DIGEST -> {
        String canonical = ClientAddresses.canonical(raw);
        yield canonical == null ? null : addressDigests.digest(canonical);
      }
      case NONE -> null;
    };
  }

  /**
   * The user agent as stored: every character outside printable ASCII (controls, line breaks, anything
   * non-ASCII) replaced by {@code ?}, one per code point, then cut to {@link AccessRecord#MAX_FIELD_LENGTH}; blank
   * ones are {@code null}. It is what the browser claimed, never trusted.
   */
  static String userAgent(String raw) {
    if (raw == null) {
      return null;
    }
    var out = new StringBuilder(Math.min(raw.length(), AccessRecord.MAX_FIELD_LENGTH));
    for (int i = 0; i < raw.length() && out.length() < AccessRecord.MAX_FIELD_LENGTH; ) {
      int c = raw.codePointAt(i);
      out.append(c >= ' ' && c <= '~' ? (char) c : '?');
      i += Character.charCount(c);
    }
    String agent = out.toString().strip();
    return agent.isEmpty() ? null : agent;
  }
}
