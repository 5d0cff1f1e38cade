package dev.handoff.benchmarks;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The floor of {@link HostedFlowBenchmark}: a plain blocking servlet that answers the hosted flow's four requests
 * with the statuses, headers and bodies of a recorded Handoff flow, sets a cookie of the same length (random, not a
 * secret: the floor does no security work), redirects to the same places, and checks only that the query, the
 * form fields and the cookie are there and that form posts come from the same origin ({@code Sec-Fetch-Site},
 * {@code Origin}), as the flow checks them. Thread-safe once {@link #replay} has run, before the first request.
 */
final class BareFlowServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final char[] COOKIE_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

  private final String mountUrl;
  private final String origin;
  private transient List<Http1Client.Response> recorded;
  /** The headers to answer each step with, picked once from the recording rather than on every request. */
  private transient List<List<Map.Entry<String, String>>> headers;
  private String cookieName;
  private int cookieLength;
  private String cookieAttributes;
  private String callback;

  /** @param mountUrl the public URL this servlet is mapped at, e.g. {@code http://127.0.0.1:8080/bare} */
  BareFlowServlet(String mountUrl) {
    this.mountUrl = mountUrl;
    this.origin = mountUrl.substring(0, mountUrl.indexOf('/', mountUrl.indexOf("//") + 2));
  }

  /** Takes the four responses of a Handoff flow (entry, redeem, session page, complete) as the ones to answer. */
  void replay(List<Http1Client.Response> flow) {
    String setCookie = flow.get(1).header("Set-Cookie").orElseThrow();
    int equals = setCookie.indexOf('=');
    int semicolon = setCookie.indexOf(';');
    cookieName = setCookie.substring(0, equals);
    cookieLength = semicolon - equals - 1;
    // Scoped to this servlet's path instead of the flow's, like the flow's own cookie over http.
    cookieAttributes = setCookie.substring(semicolon).replaceFirst("Path=[^;]*", "Path=/bare");
    callback = flow.get(3).header("Location").orElseThrow();
    recorded = flow;
    headers = flow.stream().map(HostedFlowBenchmark::replayedHeaders).toList();
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String path = request.getPathInfo() == null ? "" : request.getPathInfo();
    boolean get = request.getMethod().equals("GET");
    boolean post = request.getMethod().equals("POST");
    if (path.equals("/entry") && get && present(request.getParameter("token"))
        && present(request.getParameter("session")) && !hasCookie(request)) {
      answer(response, 0, null);
    } else if (path.equals("/entry") && post && sameOrigin(request) && present(request.getParameter("token"))
        && present(request.getParameter("session"))) {
      response.addHeader("Set-Cookie", cookieName + "=" + cookieValue() + cookieAttributes);
      answer(response, 1, mountUrl + "/session");
    } else if (path.equals("/session") && get && hasCookie(request)) {
      answer(response, 2, null);
    } else if (path.equals("/complete") && post && sameOrigin(request) && hasCookie(request)
        && present(request.getParameter("csrf"))) {
      answer(response, 3, callback);
    } else {
      response.sendError(400);
    }
  }

  private void answer(HttpServletResponse response, int step, String location) throws IOException {
    Http1Client.Response answer = recorded.get(step);
    response.setStatus(answer.status());
    for (Map.Entry<String, String> header : headers.get(step)) {
      response.addHeader(header.getKey(), header.getValue());
    }
    if (location != null) {
      response.setHeader("Location", location);
    }
    response.setContentLength(answer.body().length);
    if (answer.body().length > 0) {
      response.getOutputStream().write(answer.body());
    }
  }

  /** The form post came from a page of this origin, as the flow's guard checks it (Fetch Metadata, Origin). */
  private boolean sameOrigin(HttpServletRequest request) {
    return "same-origin".equals(request.getHeader("Sec-Fetch-Site")) && origin.equals(request.getHeader("Origin"));
  }

  private boolean hasCookie(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies != null) {
      for (Cookie cookie : cookies) {
        if (cookie.getName().equals(cookieName) && cookie.getValue().length() == cookieLength) {
          return true;
        }
      }
    }
    return false;
  }

  private String cookieValue() {
    var random = ThreadLocalRandom.current();
    var value = new char[cookieLength];
    for (int i = 0; i < value.length; i++) {
      value[i] = COOKIE_CHARS[random.nextInt(COOKIE_CHARS.length)];
    }
    return new String(value);
  }

  private static boolean present(String value) {
    return value != null && !value.isEmpty();
  }
}
