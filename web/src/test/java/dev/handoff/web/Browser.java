package dev.handoff.web;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends requests to the flow as Chromium would: a cookie jar, {@code Sec-Fetch-*} headers, and on form posts the
 * page's own {@code Origin} (as under {@code Referrer-Policy: same-origin}). Not thread-safe.
 */
final class Browser {
  private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([a-z]+)\" value=\"([^\"]*)\">");

  private final HostedFlow flow;
  final Map<String, String> cookies = new LinkedHashMap<>();
  String acceptLanguage = "en-US,en;q=0.9";
  HostedResponse last;

  Browser(HostedFlow flow) {
    this.flow = flow;
  }

  /** A navigation the user started (typed, clicked in a mail): {@code Sec-Fetch-Site: none}. */
  HostedResponse open(String url) {
    return send(request("GET", url, "none").build());
  }

  /** A same-origin navigation (a link on a page of the flow, a redirect). */
  HostedResponse get(String url) {
    return send(request("GET", url, "same-origin").build());
  }

  HostedResponse head(String url) {
    return send(request("HEAD", url, "none").build());
  }

  /** Submits a form of the flow from one of its pages: same-origin, with the page's Origin. */
  HostedResponse post(String route, Map<String, String> form) {
    var request = request("POST", flow.origin() + flow.mountPath() + route, "same-origin")
        .header("Origin", flow.origin());
    form.forEach(request::form);
    return send(request.build());
  }

  /** Submits the form with {@code action} on the last page, with its hidden fields and these fields. */
  HostedResponse submit(String route, Map<String, String> fields) {
    var form = new LinkedHashMap<>(hiddenFields(route));
    form.putAll(fields);
    return post(route, form);
  }

  HostedResponse submit(String route) {
    return submit(route, Map.of());
  }

  /** Follows redirects within the flow; stops at a page or at a redirect elsewhere. */
  HostedResponse follow() {
    while (last.status() == 303 && last.header("Location").orElseThrow().startsWith(flow.origin())) {
      get(last.header("Location").orElseThrow());
    }
    return last;
  }

  /** The hidden fields of the form that posts to {@code route} on the last page. */
  Map<String, String> hiddenFields(String route) {
    String body = last.bodyText();
    String action = "action=\"" + flow.mountPath() + route + "\"";
    int start = body.indexOf(action);
    if (start < 0) {
      throw new AssertionError("no form posting to " + route + " on the page:\n" + body);
    }
    int end = body.indexOf("</form>", start);
    var fields = new LinkedHashMap<String, String>();
    Matcher m = HIDDEN.matcher(body.substring(start, end));
    while (m.find()) {
      fields.put(m.group(1), unescape(m.group(2)));
    }
    return fields;
  }

  HostedRequest.Builder request(String method, String url, String site) {
    URI uri = URI.create(url);
    String path = uri.getRawPath();
    if (!path.startsWith(flow.mountPath())) {
      throw new AssertionError(url + " is not below " + flow.mountPath());
    }
    var request = HostedRequest.builder(method, path.substring(flow.mountPath().length()))
        .header("Sec-Fetch-Site", site)
        .header("Sec-Fetch-Mode", "navigate")
        .header("Sec-Fetch-Dest", "document")
        .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36")
        .header("Accept-Language", acceptLanguage)
        .clientAddress("192.0.2.1");
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        request.query(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    cookies.forEach(request::cookie);
    return request;
  }

  HostedResponse send(HostedRequest request) {
    last = flow.handle(request);
    for (String setCookie : last.setCookies()) {
      String pair = setCookie.split(";", 2)[0];
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq);
      String value = pair.substring(eq + 1);
      if (value.isEmpty() || setCookie.contains("Max-Age=0")) {
        cookies.remove(name);
      } else {
        cookies.put(name, value);
      }
    }
    return last;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String unescape(String html) {
    return html.replace("&#34;", "\"").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<")
        .replace("&gt;", ">").replace("&amp;", "&");
  }
}
