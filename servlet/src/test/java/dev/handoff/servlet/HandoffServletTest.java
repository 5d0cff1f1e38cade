package dev.handoff.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.Test;

/** The servlet in a real container: where it is mapped, and how it treats bodies that are too large or too slow. */
class HandoffServletTest {

  @Test
  void theMappingIsTheMountPathBelowTheContextPath() throws Exception {
    try (var container = new Container("/app", "/app/checkout", 16, setup -> { })) {
      HandoffServlet servlet = HandoffServlet.of(container.flow);
      assertThat(servlet.mappingIn("/app")).isEqualTo("/checkout/*");
      assertThatThrownBy(() -> servlet.mappingIn("/shop")).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("outside the servlet context '/shop'");
      assertThatThrownBy(() -> servlet.mappingIn("/ap")).isInstanceOf(IllegalStateException.class);
    }
    try (var container = new Container("", "/checkout", 16, setup -> { })) {
      assertThat(HandoffServlet.of(container.flow).mappingIn("")).isEqualTo("/checkout/*");
    }
  }

  @Test
  void aServletMappedElsewhereThanTheFlowsMountPathFailsAtStartNamingTheMapping() {
    assertThatThrownBy(() -> new Container("/app", "/app/checkout", 16, setup -> {
      var holder = new ServletHolder(HandoffServlet.of(setup.flow()));
      holder.setAsyncSupported(true);
      holder.setInitOrder(1);
      setup.handler().addServlet(holder, "/pages/*");
    })).hasMessageContaining("must be mapped at '/checkout/*'; it is mapped at [/pages/*]");
  }

  @Test
  void builderLimitsAreCheckedAndSetOnce() throws Exception {
    try (var container = new Container("", "/checkout", 16, setup -> { })) {
      var builder = HandoffServlet.builder(container.flow);
      assertThatThrownBy(() -> builder.maxFormBytes(100)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.requestTimeout(Duration.ofMillis(10)))
          .isInstanceOf(IllegalArgumentException.class);
      builder.maxFormBytes(4096);
      assertThatThrownBy(() -> builder.maxFormBytes(8192)).isInstanceOf(IllegalStateException.class);
      assertThat(builder.build().toString()).contains("maxFormBytes=4096").contains("requestTimeout=PT20S");
    }
  }

  @Test
  void aBodyLargerThanTheLimitIs413AndNeverReachesTheFlow() throws Exception {
    try (var container = registered(16, 2)) {
      String declared = raw(container, "POST /app/checkout/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
          + "application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\n" + "a".repeat(5000));
      assertThat(declared).startsWith("HTTP/1.1 413").contains("Content-Security-Policy: default-src 'none'")
          .contains("Cache-Control: no-store").contains("The form is larger than 4096 bytes.");

      String chunk = Integer.toHexString(3000) + "\r\n" + "a".repeat(3000) + "\r\n";
      String chunked = raw(container, "POST /app/checkout/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
          + "application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + chunk
          + "0\r\n\r\n");
      assertThat(chunked).startsWith("HTTP/1.1 413");
    }
  }

  @Test
  void aBodyThatDoesNotArriveInTimeIs408() throws Exception {
    try (var container = registered(16, 1);
        var socket = new Socket(InetAddress.getLoopbackAddress(), container.connector.getLocalPort())) {
      socket.getOutputStream().write(("POST /app/checkout/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
          + "application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=").getBytes(
              StandardCharsets.US_ASCII));

      assertThat(read(socket)).startsWith("HTTP/1.1 408").contains("did not arrive in time");
    }
  }

  @Test
  void aFormIsReadTheSameWhetherItCameWithTheHeadersOrAfterThem() throws Exception {
    String head = "POST /app/checkout/entry HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
        + "application/x-www-form-urlencoded\r\nContent-Length: 19\r\nConnection: close\r\n\r\n";
    String form = "session=csn_abc&x=1";
    try (var container = registered(16, 5);
        var late = new Socket(InetAddress.getLoopbackAddress(), container.connector.getLocalPort())) {
      // At once: read on the container's thread as it stands.
      String atOnce = raw(container, head + form);
      // Headers first, the body in two parts later: read as it arrives, without holding a thread.
      late.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      late.getOutputStream().flush();
      Thread.sleep(300);
      late.getOutputStream().write(form.substring(0, 8).getBytes(StandardCharsets.US_ASCII));
      late.getOutputStream().flush();
      Thread.sleep(300);
      late.getOutputStream().write(form.substring(8).getBytes(StandardCharsets.US_ASCII));
      String afterwards = read(late);

      // The flow saw the form (a session but no token) both times: its own 400 page, not the adapter's 408.
      for (String answer : List.of(atOnce, afterwards)) {
        assertThat(answer).startsWith("HTTP/1.1 400").contains("script-src 'nonce-").contains("Content-Length: ");
      }
    }
  }

  @Test
  void slowClientsHoldNoThread() throws Exception {
    int threads = 12;
    var sockets = new ArrayList<Socket>();
    var dribbler = Executors.newSingleThreadScheduledExecutor();
    try (var container = registered(threads, 20)) {
      for (int i = 0; i < 3 * threads; i++) {
        var socket = new Socket(InetAddress.getLoopbackAddress(), container.connector.getLocalPort());
        socket.getOutputStream().write(("POST /app/checkout/complete HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
            + "application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\nc").getBytes(
                StandardCharsets.US_ASCII));
        sockets.add(socket);
      }
      dribbler.scheduleAtFixedRate(() -> dribble(sockets), 100, 1000, TimeUnit.MILLISECONDS);
      Thread.sleep(500);

      var normal = container.get(Container.client(), "/app/checkout/entry?session=s&token=t");

      assertThat(normal.statusCode()).isBetween(200, 499);
    } finally {
      dribbler.shutdownNow();
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  /** A container with the flow's servlet registered by {@link HandoffServlet#register} in context {@code /app}. */
  @Test
  void theBrowserCookieIsReadFromEveryCookieHeaderAndAHostileValueNeverPasses() throws Exception {
    try (var container = registered(16, 2)) {
      var request = dev.handoff.CreateSessionRequest.builder(Container.TENANT)
          .intent("checkout", java.util.Map.of("plan", "p")).user(Container.ADA.id())
          .callbackUrl("https://example.com/done").build();
      String secret = container.handoff.redeem(container.handoff.create(request).token().orElseThrow())
          .browserSecret();
      String page = "GET /app/checkout/session HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";

      // The secret in a second Cookie header (as HTTP/2 sends cookies), after other cookies: found.
      assertThat(raw(container, page + "Cookie: theme=dark\r\nCookie: a=1; handoff=" + secret + "\r\n\r\n"))
          .startsWith("HTTP/1.1 200");
      // Quoted, as RFC 6265 allows: the same value.
      assertThat(raw(container, page + "Cookie: handoff=\"" + secret + "\"\r\n\r\n")).startsWith("HTTP/1.1 200");
      // Hostile values are refused before the engine sees them, even with the real secret behind them: the first
      // cookie of the name is the browser's, and it is not a secret at all.
      for (String hostile : new String[] {"<script>alert(1)</script>", secret + "<", secret + " x",
          "a".repeat(513), "%41" + secret, secret + "\"", "\"" + secret}) {
        assertThat(raw(container, page + "Cookie: handoff=" + hostile + "; handoff=" + secret + "\r\n\r\n"))
            .as(hostile).startsWith("HTTP/1.1 401");
      }
      // A name that only starts or ends like the cookie's is another cookie.
      assertThat(raw(container, page + "Cookie: handoffx=" + secret + "; xhandoff=" + secret + "; Handoff="
          + secret + "\r\n\r\n")).startsWith("HTTP/1.1 401");
    }
  }

  static Container registered(int threads, int timeoutSeconds) throws Exception {
    return new Container("/app", "/app/checkout", threads, setup -> HandoffServlet.builder(setup.flow())
        .maxFormBytes(4096).requestTimeout(Duration.ofSeconds(timeoutSeconds)).build().register(setup.context()));
  }

  private static void dribble(List<Socket> sockets) {
    for (Socket socket : sockets) {
      try {
        socket.getOutputStream().write('a');
      } catch (IOException e) {
        // answered and closed
      }
    }
  }

  private static String raw(Container container, String request) throws IOException {
    try (var socket = new Socket(InetAddress.getLoopbackAddress(), container.connector.getLocalPort())) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return read(socket);
    }
  }

  private static String read(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    InputStream in = socket.getInputStream();
    var text = new StringBuilder();
    byte[] buffer = new byte[4096];
    int n;
    try {
      while ((n = in.read(buffer)) > 0) {
        text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        if (text.indexOf("\r\n\r\n") > 0 && text.toString().endsWith("\n")) {
          break;
        }
      }
    } catch (java.net.SocketException e) {
      // reset after the answer
    }
    return text.toString();
  }
}
