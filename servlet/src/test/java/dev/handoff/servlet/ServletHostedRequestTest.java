package dev.handoff.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The view of a servlet request that the flow sees, read off real requests to Jetty by a servlet that echoes it. */
class ServletHostedRequestTest {
  static Container container;
  static final HttpClient client = Container.client();

  @BeforeAll
  static void start() throws Exception {
    container = new Container("/app", "/app/checkout", 16, setup -> setup.handler()
        .addServlet(new ServletHolder(new Echo()), "/echo/*"));
  }

  @AfterAll
  static void stop() throws Exception {
    container.close();
  }

  /** Answers with the view's values, one per line. */
  static final class Echo extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
      var view = new ServletHostedRequest(request, request.getInputStream().readAllBytes());
      String text = String.join("\n", "method=" + view.method(), "path=" + view.path(),
          "x=" + view.queryParameter("x").orElse("-"), "y=" + view.queryParameter("y").orElse("-"),
          "z=" + view.queryParameter("z").orElse("-"),
          "email=" + view.formParameter("email").orElse("-"), "csrf=" + view.formParameter("csrf").orElse("-"),
          "cookie=" + view.cookie("handoff").orElse("-"), "other=" + view.cookie("Handoff").orElse("-"),
          "origin=" + view.header("oRiGiN").orElse("-"), "agent=" + view.userAgent().orElse("-"),
          "client=" + view.clientAddress().orElse("-"), "view=" + view);
      response.setContentType("text/plain; charset=utf-8");
      response.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void pathAndQueryAreDecodedAndTheFirstValueWins() throws Exception {
    var echo = container.get(client, "/app/echo/entry/a%20b?x=1&x=2&y=a+b%2Bc&z=%C3%A9t%C3%A9&token=secret",
        "Origin", "http://localhost", "User-Agent", "test-agent");

    assertThat(echo.body().lines()).contains("method=GET", "path=/entry/a b", "x=1", "y=a b+c", "z=été",
        "origin=http://localhost", "agent=test-agent", "client=127.0.0.1", "email=-");
    // toString names method and path, never the query (it may carry a token).
    assertThat(echo.body()).contains("view=ServletHostedRequest[GET /entry/a b]").doesNotContain("secret]");
  }

  @Test
  void theMountPointItselfIsSlash() throws Exception {
    assertThat(container.get(client, "/app/echo").body().lines()).contains("path=/");
    assertThat(container.get(client, "/app/echo/").body().lines()).contains("path=/");
  }

  @Test
  void formBodiesAreReadOnlyWhenTheyAreForms() throws Exception {
    var form = container.post(client, "/app/echo/login", "csrf=%zz&email=ada%40example.com&csrf=a%2Bb&email=eve",
        "Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
    // A malformed escape drops only its own parameter: the later csrf is the first well-formed one.
    assertThat(form.body().lines()).contains("method=POST", "email=ada@example.com", "csrf=a+b");

    var json = container.post(client, "/app/echo/login", "email=ada%40example.com", "Content-Type",
        "application/json");
    assertThat(json.body().lines()).contains("email=-");
  }

  @Test
  void cookiesAreCaseSensitiveAndTheFirstWins() throws Exception {
    var echo = container.get(HttpClient.newHttpClient(), "/app/echo/session", "Cookie",
        "Handoff=upper; handoff=first; handoff=second");

    assertThat(echo.body().lines()).contains("cookie=first", "other=upper");
  }
}
