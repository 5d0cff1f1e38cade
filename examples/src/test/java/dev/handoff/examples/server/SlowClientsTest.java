package dev.handoff.examples.server;

import static dev.handoff.examples.server.ServerFixture.GIGS_KEY;
import static dev.handoff.examples.server.ServerFixture.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Slowloris: many more slow clients than the server has threads, some dribbling their headers and some their
 * bodies, must not stall a normal request; and a body that does not arrive in time is answered with a 408.
 */
class SlowClientsTest {
  private static final int THREADS = 12;
  private static final int SLOW_CLIENTS = 3 * THREADS;

  @Test
  void slowClientsDoNotStallANormalRequest() throws Exception {
    var limits = new ExampleServer.Limits(THREADS, Duration.ofSeconds(30), Duration.ofSeconds(3));
    ScheduledExecutorService dribbler = Executors.newSingleThreadScheduledExecutor();
    var sockets = new ArrayList<Socket>();
    try (var fx = new ServerFixture(null, null, limits)) {
      for (int i = 0; i < SLOW_CLIENTS; i++) {
        String request = switch (i % 3) {
          // Headers that never end.
          case 0 -> "GET /projects/dev/connectSessions/csn_x HTTP/1.1\r\nHost: localhost\r\n";
          // A JSON body that arrives a byte at a time.
          case 1 -> "POST /projects/dev/connectSessions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
              + GIGS_KEY + "\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{";
          // A hosted page's form post that arrives a byte at a time.
          default -> "POST /checkout/complete HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
              + "application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\nc";
        };
        var socket = new Socket(InetAddress.getLoopbackAddress(), fx.server.port());
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        sockets.add(socket);
      }
      dribbler.scheduleAtFixedRate(() -> dribble(sockets), 200, 1000, TimeUnit.MILLISECONDS);
      Thread.sleep(500); // every slow request has reached the server and is being served

      var normal = fx.json("POST", "/projects/dev/connectSessions", GigsConnectSessionsTest.SEED_REQUEST,
          bearer(GIGS_KEY));
      assertThat(normal.statusCode()).as(normal.body()).isEqualTo(201);
      var page = fx.get(ServerFixture.browser(), "/checkout/session");
      assertThat(page.statusCode()).isEqualTo(401);

      // The slow bodies are cut off by the request timeout, in their API's own shape.
      assertThat(response(sockets.get(1))).startsWith("HTTP/1.1 408").contains("\"type\":\"requestTimeout\"");
      assertThat(response(sockets.get(2))).startsWith("HTTP/1.1 408");
    } finally {
      dribbler.shutdownNow();
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  private static void dribble(List<Socket> sockets) {
    for (Socket socket : sockets) {
      try {
        OutputStream out = socket.getOutputStream();
        out.write(socket.getPort() % 2 == 0 ? 'a' : 'b');
        out.flush();
      } catch (IOException e) {
        // Closed by the server after its answer.
      }
    }
  }

  /** What the server answered on a slow connection, waiting at most 10 seconds. */
  private static String response(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    InputStream in = socket.getInputStream();
    var text = new StringBuilder();
    byte[] buffer = new byte[4096];
    int read;
    while ((read = in.read(buffer)) > 0) {
      text.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
      if (text.indexOf("}") > 0 || text.indexOf("</html>") > 0) {
        break;
      }
    }
    return text.toString();
  }
}
