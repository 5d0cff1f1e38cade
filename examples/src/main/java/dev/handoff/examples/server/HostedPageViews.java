package dev.handoff.examples.server;

import dev.handoff.BrowserSession;
import dev.handoff.Session;
import dev.handoff.spi.Json;
import dev.handoff.spi.User;
import java.util.List;
import java.util.Map;

/**
 * The hosted pages' HTML: minimal, no JavaScript, and every value that came from a request (intent payload,
 * metadata, user names, messages, URLs) escaped, so that none of it can inject markup.
 */
final class HostedPageViews {
  private HostedPageViews() {}

  /** An authenticated session: its intent, its user, and the buttons that complete it or sign out. */
  static String session(BrowserSession browser, String formToken) {
    Session session = browser.session();
    User user = browser.user();
    var body = new StringBuilder();
    body.append("<h1>").append(escape(title(session))).append("</h1>\n");
    body.append(intent(session));
    body.append("<h2>Signed in as</h2>\n<dl>")
        .append(row("name", user.name() == null ? "-" : user.name()))
        .append(row("email", user.email()))
        .append(row("user", user.id()))
        .append("</dl>\n");
    body.append(form("/checkout/complete", formToken, "", "Complete")).append('\n');
    body.append(form("/checkout/logout", formToken, "", "Sign out")).append('\n');
    return page(title(session), body.toString());
  }

  /** An unauthenticated session, step 1: which email to send a code to. */
  static String emailForm(BrowserSession browser, String formToken, String notice) {
    Session session = browser.session();
    String fields = "<label>Email <input type=\"email\" name=\"email\" required autocomplete=\"email\"></label>";
    return page("Sign in", "<h1>Sign in to continue</h1>\n" + notice(notice) + intent(session)
        + "<p>We will send you a one-time code.</p>\n" + form("/checkout/login", formToken, fields, "Send code"));
  }

  /** An unauthenticated session, step 2: the code. */
  static String codeForm(BrowserSession browser, String formToken, String notice) {
    Session session = browser.session();
    String fields = "<label>Code <input name=\"code\" required autocomplete=\"one-time-code\" inputmode=\"numeric\">"
        + "</label>";
    return page("Enter your code", "<h1>Enter your code</h1>\n" + notice(notice) + intent(session)
        + "<p>If an account exists for that email, a code is on its way.</p>\n"
        + form("/checkout/verify", formToken, fields, "Sign in")
        + "\n<p><a href=\"/checkout/session\">Send a new code</a></p>");
  }

  /** A dead end that is not one: what happened, and the way back to the callback URL when there is one. */
  static String problem(String title, String message, String wayBack) {
    return page(title, "<h1>" + escape(title) + "</h1>\n<p>" + escape(message) + "</p>\n" + wayBack(wayBack));
  }

  /** The end of the flow when there is no callback URL to go back to. */
  static String done(String title, String message, String wayBack) {
    return problem(title, message, wayBack);
  }

  private static String title(Session session) {
    return switch (session.intent().type()) {
      case "vault" -> "Manage your integrations";
      case "customerPortal" -> "Customer portal";
      default -> "Connect";
    };
  }

  private static String intent(Session session) {
    var html = new StringBuilder("<h2>Intent: ").append(escape(session.intent().type())).append("</h2>\n<dl>");
    for (var field : session.intent().payload().entrySet()) {
      html.append(row(field.getKey(), text(field.getValue())));
    }
    html.append("</dl>\n");
    if (!session.metadata().isEmpty()) {
      html.append("<h2>Details</h2>\n<dl>");
      for (var field : session.metadata().entrySet()) {
        html.append(row(field.getKey(), text(field.getValue())));
      }
      html.append("</dl>\n");
    }
    return html.toString();
  }

  private static String text(Object value) {
    if (value instanceof String s) {
      return s;
    }
    return value instanceof Map<?, ?> || value instanceof List<?> ? Json.write(value) : String.valueOf(value);
  }

  private static String row(String name, String value) {
    return "<dt>" + escape(name) + "</dt><dd>" + escape(value) + "</dd>";
  }

  private static String form(String action, String formToken, String fields, String button) {
    return "<form method=\"post\" action=\"" + action + "\">"
        + "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(formToken) + "\">" + fields
        + "<button type=\"submit\">" + escape(button) + "</button></form>";
  }

  private static String notice(String notice) {
    return notice == null ? "" : "<p class=\"notice\" role=\"alert\">" + escape(notice) + "</p>\n";
  }

  private static String wayBack(String url) {
    return url == null ? "" : "<p><a href=\"" + escape(url) + "\">Go back</a></p>\n";
  }

  private static String page(String title, String body) {
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + escape(title) + "</title>"
        + "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}"
        + "dt{font-weight:bold}dd{margin:0 0 .5rem 1rem;word-break:break-all}form{display:inline-block;margin:.5rem}"
        + ".notice{color:#a40}</style></head>\n<body>\n" + body + "\n</body></html>\n";
  }

  /** Escapes text for HTML element content and double- or single-quoted attribute values. */
  static String escape(String text) {
    var out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
