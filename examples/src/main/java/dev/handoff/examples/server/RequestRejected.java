package dev.handoff.examples.server;

import java.util.List;

/**
 * A request refused before it reached the engine: an oversized or malformed body, or a field that is missing, of
 * the wrong type, unknown or invalid. Each API renders it in its own error shape; nothing has been stored.
 */
final class RequestRejected extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the request was refused. */
  enum Reason {
    BODY_TOO_LARGE,
    MALFORMED_BODY,
    MISSING,
    WRONG_TYPE,
    UNKNOWN_FIELD,
    INVALID_VALUE
  }

  private final Reason reason;
  private final List<String> location;

  /**
   * @param location the field's path in the body, e.g. {@code [intent, type]}; empty for the body as a whole
   * @param message what is wrong, naming the field; never contains a submitted value
   */
  RequestRejected(Reason reason, List<String> location, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.location = List.copyOf(location);
  }

  Reason reason() {
    return reason;
  }

  /** The field's path, e.g. {@code [intent, type]}. */
  List<String> location() {
    return location;
  }

  /** The field's path with dots, e.g. {@code intent.type}, or {@code body}. */
  String field() {
    return location.isEmpty() ? "body" : String.join(".", location);
  }
}
