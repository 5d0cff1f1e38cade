package dev.handoff.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.CreateSessionRequest;
import dev.handoff.SessionEvent;
import dev.handoff.examples.server.ApiKeys.Api;
import dev.handoff.examples.server.ApiKeys.Grant;
import dev.handoff.examples.server.ExampleServer.CommandLine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The command line, the dev keys, and the start-up banner whose curl line must work as printed. */
class ExampleServerTest {
  private static final Pattern CURL =
      Pattern.compile("curl -s (\\S+) -H 'Authorization: Bearer (\\S+)' -H 'Content-Type: application/json' -d '(.+)'");

  @Test
  void commandLineDefaultsToPort8080OnLocalhost() {
    assertThat(CommandLine.parse()).isEqualTo(new CommandLine(8080, null, null, null, false));
    assertThat(CommandLine.parse("--port", "9090")).isEqualTo(new CommandLine(9090, null, null, null, false));
    assertThat(CommandLine.parse("--public-url", "https://connect.example.com/", "--port", "0"))
        .isEqualTo(new CommandLine(0, "https://connect.example.com", null, null, false));
    assertThat(CommandLine.parse("--jdbc-url", "jdbc:h2:mem:x").storeUrl()).isEqualTo("jdbc:h2:mem:x");
    assertThat(CommandLine.parse("--redis-url", "redis://127.0.0.1:6379").storeUrl())
        .isEqualTo("redis://127.0.0.1:6379");
    assertThat(CommandLine.parse("--help").help()).isTrue();
  }

  @Test
  void commandLineRefusesWhatItCannotDo() {
    assertThatThrownBy(() -> CommandLine.parse("--jdbc-url", "postgresql://localhost/test"))
        .hasMessageContaining("--jdbc-url");
    assertThatThrownBy(() -> CommandLine.parse("--redis-url", "127.0.0.1:6379")).hasMessageContaining("--redis-url");
    assertThatThrownBy(() -> CommandLine.parse("--jdbc-url", "jdbc:h2:mem:x", "--redis-url", "redis://127.0.0.1"))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> CommandLine.parse("--port", "eighty")).hasMessageContaining("--port");
    assertThatThrownBy(() -> CommandLine.parse("--port", "70000")).hasMessageContaining("--port");
    assertThatThrownBy(() -> CommandLine.parse("--port")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> CommandLine.parse("--public-url", "ftp://x")).hasMessageContaining("--public-url");
    assertThatThrownBy(() -> CommandLine.parse("--verbose")).hasMessageContaining("unknown argument");
  }

  @Test
  void devKeysAreFreshAndOnePerApi() {
    var first = ApiKeys.generateDevKeys();
    var second = ApiKeys.generateDevKeys();

    assertThat(first.grants()).extracting(Grant::api).containsExactly(Api.GIGS, Api.APIDECK, Api.CUSTOMER_SESSIONS);
    assertThat(first.grants()).extracting(Grant::key).doesNotContainAnyElementsOf(
        second.grants().stream().map(Grant::key).toList());
    assertThat(first.grants().toString()).doesNotContain(first.grants().get(0).key());
  }

  @Test
  void itsSweeperPublishesTheEndOfSessionsNobodyOpens() throws IOException {
    try (var fx = new ServerFixture()) {
      String id = fx.server.engines().gigs().create(CreateSessionRequest.builder("dev")
          .intent("checkoutNewSubscription", Map.of("plan", ServerFixture.SEED_PLAN)).build()).session().id();
      fx.clock.advance(Duration.ofHours(2)); // the link lived an hour

      fx.server.sweeper().runOnce(); // as its next scheduled run will (unless that one came first)

      assertThat(fx.events).filteredOn(e -> e.session().id().equals(id)).extracting(SessionEvent::type)
          .containsExactly(SessionEvent.Type.CREATED, SessionEvent.Type.EXPIRED);
    }
  }

  @Test
  void theBannerPrintsTheKeysAndACurlLineThatWorksAsPrinted() throws IOException, InterruptedException {
    try (var fx = new ServerFixture()) {
      var out = new ByteArrayOutputStream();
      ExampleServer.printBanner(new PrintStream(out, true, StandardCharsets.UTF_8), fx.server);
      String banner = out.toString(StandardCharsets.UTF_8);

      assertThat(banner).contains("export GIGS_TOKEN=" + ServerFixture.GIGS_KEY)
          .contains("export APIDECK_KEY=" + ServerFixture.APIDECK_KEY)
          .contains("export WORKSPACE_TOKEN=" + ServerFixture.WORKSPACE_KEY);
      var curl = CURL.matcher(banner);
      assertThat(curl.find()).as(banner).isTrue();
      var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(curl.group(1)))
          .header("Authorization", "Bearer " + curl.group(2)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(curl.group(3))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      assertThat(response.body()).contains("\"url\":\"" + fx.base + "/checkout/entry?session=csn_");
    }
  }
}
