package dev.handoff.examples.server;

import dev.handoff.examples.server.RequestRejected.Reason;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One request to a JSON API, its body already read (see {@link Endpoint}), and its response: path segments,
 * headers, the bearer token, the body as JSON, and JSON responses that are never cached.
 */
final class Exchange {
  /** The largest request body accepted; every API's bodies are far smaller. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final byte[] body;
  private boolean sent;

  /** @param body the request body, or {@code null} when it was larger than {@link #MAX_BODY_BYTES} */
  Exchange(HttpServletRequest request, HttpServletResponse response, byte[] body) {
    this.request = request;
    this.response = response;
    this.body = body;
  }

  String method() {
    return request.getMethod();
  }

  /** The decoded path below the context path, e.g. {@code /projects/dev/connectSessions}. */
  String path() {
    String info = request.getPathInfo();
    return request.getServletPath() + (info == null ? "" : info);
  }

  /** The path's non-empty segments: {@code /projects/dev/} is {@code [projects, dev]}. */
  List<String> segments() {
    return Arrays.stream(path().split("/")).filter(s -> !s.isEmpty()).toList();
  }

  Optional<String> header(String name) {
    return Optional.ofNullable(request.getHeader(name));
  }

  /** The token of an {@code Authorization: Bearer <token>} header. */
  Optional<String> bearerToken() {
    return header("Authorization")
        .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(h -> h.substring(7).strip())
        .filter(t -> !t.isEmpty());
  }

  /**
   * The request body, at most {@link #MAX_BODY_BYTES}.
   *
   * @throws RequestRejected {@link Reason#BODY_TOO_LARGE} past the limit
   */
  byte[] body() {
    if (body == null) {
      throw new RequestRejected(Reason.BODY_TOO_LARGE, List.of(),
          "the body is larger than " + MAX_BODY_BYTES + " bytes");
    }
    return body;
  }

  /** The body as one JSON object; an empty body is an empty object when {@code optional}. */
  JsonBody jsonBody(boolean optional) {
    byte[] bytes = body();
    if (optional && new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      return JsonBody.empty();
    }
    return JsonBody.parse(bytes);
  }

  void setHeader(String name, String value) {
    response.setHeader(name, value);
  }

  /** Sends {@code value} (maps, lists, strings, numbers, booleans, nulls) as JSON. */
  void sendJson(int status, Object value) throws IOException {
    setHeader("Content-Type", "application/json");
    setHeader("Cache-Control", "no-store");
    send(status, JsonBody.MAPPER.writeValueAsBytes(value));
  }

  /** A response without a body, e.g. 204. */
  void sendEmpty(int status) throws IOException {
    send(status, new byte[0]);
  }

  private void send(int status, byte[] bytes) throws IOException {
    sent = true;
    response.setStatus(status);
    response.setContentLength(bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = response.getOutputStream()) {
        out.write(bytes);
      }
    }
  }

  /** Whether a response was sent; a handler that failed before sending one still owes an error. */
  boolean responseSent() {
    return sent;
  }
}
