package dev.handoff.examples.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The other sites of the browser tests, on a second Jetty: the embedding app's callback page, where a completed
 * flow must land, and an attacker's page that auto-submits a form to the hosted flow. Reached as
 * {@code localhost:<port>} it is same-site with the example server (another origin), as {@code 127.0.0.1:<port>}
 * cross-site.
 */
final class SidePages implements AutoCloseable {
  private final Server jetty;
  private final int port;

  SidePages() throws Exception {
    jetty = new Server();
    var connector = new ServerConnector(jetty);
    connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    jetty.addConnector(connector);
    var context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new Pages()), "/*");
    jetty.setHandler(context);
    jetty.start();
    port = connector.getLocalPort();
  }

  /** The app's page the flow goes back to, e.g. {@code http://localhost:<port>/callback?app=gigs}. */
  String callback(String app) {
    return "http://localhost:" + port + "/callback?app=" + app;
  }

  /**
   * A page on {@code host} that posts {@code fields} to {@code target} as soon as it loads, as a malicious site
   * would.
   */
  String attack(String host, String target, Map<String, String> fields) {
    var url = new StringBuilder("http://" + host + ":" + port + "/attack?target=").append(encode(target));
    fields.forEach((name, value) -> url.append('&').append(encode(name)).append('=').append(encode(value)));
    return url.toString();
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
  }

  private static final class Pages extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      String html;
      if ("/callback".equals(request.getPathInfo())) {
        html = "<!DOCTYPE html><html lang=\"en\"><head><title>The app</title></head><body><h1>Back in the app</h1>"
            + "<p id=\"app\">" + escape(request.getParameter("app")) + "</p></body></html>";
      } else if ("/attack".equals(request.getPathInfo())) {
        var form = new StringBuilder("<form id=\"f\" method=\"post\" action=\"")
            .append(escape(request.getParameter("target"))).append("\">");
        request.getParameterMap().forEach((name, values) -> {
          if (!name.equals("target")) {
            form.append("<input type=\"hidden\" name=\"").append(escape(name)).append("\" value=\"")
                .append(escape(values[0])).append("\">");
          }
        });
        html = "<!DOCTYPE html><html lang=\"en\"><head><title>You won</title></head><body><h1>You won a prize"
            + "</h1>" + form + "</form><script>document.getElementById('f').submit();</script></body></html>";
      } else {
        response.setStatus(204); // no icon, and no 404 in the console
        return;
      }
      response.setContentType("text/html; charset=utf-8");
      response.getOutputStream().write(html.getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String value) {
      return value == null ? "" : value.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
    }
  }
}
