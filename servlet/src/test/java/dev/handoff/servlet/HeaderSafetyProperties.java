package dev.handoff.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.CreateSessionRequest;
import dev.handoff.Redemption;
import dev.handoff.spi.HandoffException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

/**
 * Whatever callback URL a session was created with, completing it through the servlet in a real container writes
 * a response whose head is printable ASCII, line by line, with no header of the input's making: no response
 * splitting. The bytes are read off the socket, as a browser would receive them.
 */
class HeaderSafetyProperties {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static Container container;

  @BeforeContainer
  static void start() throws Exception {
    container = new Container("", "/checkout", 16, setup -> HandoffServlet.of(setup.flow())
        .register(setup.context()));
  }

  @AfterContainer
  static void stop() throws Exception {
    container.close();
  }

  @Property(tries = 60, maxDiscardRatio = 20)
  void completingWritesOnlyPrintableAsciiHeaders(
      @ForAll @StringLength(max = 24) @Chars({'\r', '\n', '\u010d', '\u010a', '\u202e', ' ', '%', ':', '?', '#',
          '/', '"', '<', 'é', '\u00a0'}) @CharRange(from = 'a', to = 'z') String tail)
      throws IOException {
    String callback = "https://example.com/" + tail;
    CreateSessionRequest request;
    try {
      request = CreateSessionRequest.builder(Container.TENANT).intent("checkout", java.util.Map.of("plan", "p"))
          .user(Container.ADA.id()).callbackUrl(callback).build();
    } catch (HandoffException e) {
      Assume.that(false); // refused at the door (control or bidi characters): nothing to write
      return;
    }
    Redemption redemption = container.handoff.redeem(container.handoff.create(request).token().orElseThrow());
    String cookie = "handoff=" + redemption.browserSecret();

    String page = exchange("GET /checkout/session HTTP/1.1\r\nHost: localhost\r\nCookie: " + cookie
        + "\r\nConnection: close\r\n\r\n");
    Matcher csrf = CSRF.matcher(page);
    assertThat(csrf.find()).as(page).isTrue();
    String body = "csrf=" + csrf.group(1);
    String done = exchange("POST /checkout/complete HTTP/1.1\r\nHost: localhost\r\nCookie: " + cookie
        + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
        + "\r\nConnection: close\r\n\r\n" + body);

    String head = done.substring(0, done.indexOf("\r\n\r\n"));
    assertThat(head).startsWith("HTTP/1.1 303");
    for (String line : head.split("\r\n")) {
      assertThat(line.chars()).as(line).allMatch(c -> c >= 0x20 && c <= 0x7e);
      assertThat(line).doesNotStartWithIgnoringCase("set-cookie: planted");
    }
    assertThat(head).containsPattern("(?m)^Location: https://example\\.com/\\S*$");
  }

  /** One request on a fresh connection; the answer's bytes as ISO-8859-1, so no byte is hidden by decoding. */
  private static String exchange(String request) throws IOException {
    try (var socket = new Socket(InetAddress.getLoopbackAddress(), container.connector.getLocalPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
