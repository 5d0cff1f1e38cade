package dev.handoff.examples.server;

import com.sun.net.httpserver.HttpExchange;
import dev.handoff.examples.server.RequestRejected.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request and its response, with what the handlers need: path segments, query and form parameters,
 * cookies, a size-limited body, and JSON, HTML and redirect responses with safe default headers.
 */
final class Exchange {
  /** The largest request body accepted; every API's bodies are far smaller. */
  static final int MAX_BODY_BYTES = 64 * 1024;
  /** How much of an oversized body is still read (and dropped) so that the 413 reaches the client. */
  private static final long MAX_DRAINED_BYTES = 1024 * 1024;

  private final HttpExchange http;
  private boolean sent;

  Exchange(HttpExchange http) {
    this.http = http;
  }

  String method() {
    return http.getRequestMethod();
  }

  /** The decoded path, e.g. {@code /projects/dev/connectSessions}. */
  String path() {
    return http.getRequestURI().getPath();
  }

  /** The path's non-empty segments: {@code /projects/dev/} is {@code [projects, dev]}. */
  List<String> segments() {
    return Arrays.stream(path().split("/")).filter(s -> !s.isEmpty()).toList();
  }

  Optional<String> header(String name) {
    return Optional.ofNullable(http.getRequestHeaders().getFirst(name));
  }

  /** The token of an {@code Authorization: Bearer <token>} header. */
  Optional<String> bearerToken() {
    return header("Authorization")
        .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(h -> h.substring(7).strip())
        .filter(t -> !t.isEmpty());
  }

  /** The query parameters; of a repeated one, the first. */
  Map<String, String> query() {
    return parseForm(http.getRequestURI().getRawQuery());
  }

  /** The value of a request cookie. */
  Optional<String> cookie(String name) {
    for (String header : http.getRequestHeaders().getOrDefault("Cookie", List.of())) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
          return Optional.of(pair.substring(eq + 1).strip());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The request body, at most {@link #MAX_BODY_BYTES}.
   *
   * @throws RequestRejected {@link Reason#BODY_TOO_LARGE} past the limit, before reading it when the length is
   *     declared
   */
  byte[] body() {
    String declared = http.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.strip()) > MAX_BODY_BYTES) {
          throw tooLargeAfterDraining();
        }
      } catch (NumberFormatException e) {
        throw new RequestRejected(Reason.MALFORMED_BODY, List.of(), "malformed Content-Length");
      }
    }
    try (InputStream in = http.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        throw tooLargeAfterDraining();
      }
      return body;
    } catch (IOException e) {
      throw new RequestRejected(Reason.MALFORMED_BODY, List.of(), "the body could not be read");
    }
  }

  /**
   * Reads and drops the rest of an oversized body (up to {@link #MAX_DRAINED_BYTES}) before the 413 goes out: a
   * socket closed with unread input is reset, and the reset can destroy the response before the client reads it.
   */
  private RequestRejected tooLargeAfterDraining() {
    try (InputStream in = http.getRequestBody()) {
      byte[] sink = new byte[8192];
      long left = MAX_DRAINED_BYTES;
      int read;
      while (left > 0 && (read = in.read(sink, 0, (int) Math.min(left, sink.length))) > 0) {
        left -= read;
      }
    } catch (IOException e) {
      // The client went away; the answer below is all that is left to try.
    }
    return tooLarge();
  }

  private static RequestRejected tooLarge() {
    return new RequestRejected(Reason.BODY_TOO_LARGE, List.of(),
        "the body is larger than " + MAX_BODY_BYTES + " bytes");
  }

  /** The body as one JSON object; an empty body is an empty object when {@code optional}. */
  JsonBody jsonBody(boolean optional) {
    byte[] body = body();
    if (optional && new String(body, StandardCharsets.UTF_8).isBlank()) {
      return JsonBody.empty();
    }
    return JsonBody.parse(body);
  }

  /** An {@code application/x-www-form-urlencoded} body, as the hosted pages' forms post it. */
  Map<String, String> form() {
    return parseForm(new String(body(), StandardCharsets.UTF_8));
  }

  private static Map<String, String> parseForm(String raw) {
    var params = new LinkedHashMap<String, String>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        params.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // A malformed %-escape: the parameter is ignored, as if absent.
      }
    }
    return params;
  }

  void setHeader(String name, String value) {
    http.getResponseHeaders().set(name, value);
  }

  void addCookie(String setCookie) {
    http.getResponseHeaders().add("Set-Cookie", setCookie);
  }

  /** Sends {@code value} (maps, lists, strings, numbers, booleans, nulls) as JSON. */
  void sendJson(int status, Object value) throws IOException {
    setHeader("Content-Type", "application/json");
    setHeader("Cache-Control", "no-store");
    send(status, JsonBody.MAPPER.writeValueAsBytes(value));
  }

  /** Sends an HTML page that must not be cached, framed, sniffed or leak its URL as a referrer. */
  void sendHtml(int status, String html) throws IOException {
    setHeader("Content-Type", "text/html; charset=utf-8");
    setHeader("Cache-Control", "no-store");
    setHeader("Referrer-Policy", "no-referrer");
    setHeader("X-Content-Type-Options", "nosniff");
    setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    send(status, html.getBytes(StandardCharsets.UTF_8));
  }

  /** A 303 See Other: the browser follows it with a GET, also after a form POST. */
  void redirect(String location) throws IOException {
    setHeader("Location", location);
    setHeader("Cache-Control", "no-store");
    setHeader("Referrer-Policy", "no-referrer");
    send(303, new byte[0]);
  }

  private void send(int status, byte[] body) throws IOException {
    sent = true;
    http.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = http.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Whether a response was sent; a handler that failed before sending one still owes an error. */
  boolean responseSent() {
    return sent;
  }

  void close() {
    http.close();
  }
}
