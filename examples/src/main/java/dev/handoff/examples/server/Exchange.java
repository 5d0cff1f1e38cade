package dev.handoff.examples.server;

import dev.handoff.examples.server.RequestRejected.Reason;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request, its body already read (see {@link Endpoint}), and its response, with what the handlers need:
 * path segments, query and form parameters, cookies, and JSON, HTML and redirect responses with safe default
 * headers.
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

  /** The query parameters; of a repeated one, the first. */
  Map<String, String> query() {
    return parseForm(request.getQueryString());
  }

  /** The value of a request cookie. */
  Optional<String> cookie(String name) {
    Enumeration<String> headers = request.getHeaders("Cookie");
    while (headers.hasMoreElements()) {
      for (String pair : headers.nextElement().split(";")) {
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
    response.setHeader(name, value);
  }

  void addCookie(String setCookie) {
    response.addHeader("Set-Cookie", setCookie);
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
