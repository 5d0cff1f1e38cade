package dev.handoff.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.Handoff;
import dev.handoff.Redemption;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The example application as it runs: on real PostgreSQL (tables with a random prefix, dropped afterwards), on a real
 * port, called over HTTP and, for the hosted flow, by Chromium. The port is picked before the start, not by
 * {@code RANDOM_PORT}: {@code handoff.web.public-url} must name it, since session URLs point there and the hosted
 * pages accept forms from that origin only.
 */
@ExtendWith(PostgreSQLAvailable.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class SpringExampleApplicationTest {
  static final String PREFIX = "t" + HexFormat.of().formatHex(new SecureRandom().generateSeed(5)) + "_";
  static final int PORT = freePort();
  static final String BASE = "http://localhost:" + PORT;

  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();

  @Autowired
  Handoff handoff;
  @Autowired
  JdbcTemplate jdbc;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    registry.add("spring.datasource.url", () -> PostgreSQLAvailable.URL);
    registry.add("spring.datasource.username", () -> PostgreSQLAvailable.USER);
    registry.add("server.port", () -> PORT);
    registry.add("handoff.web.public-url", () -> BASE);
    registry.add("handoff.keys.master-secrets.k1", () -> Base64.getEncoder().encodeToString(secret));
    registry.add("handoff.jdbc.table-prefix", () -> PREFIX);
    registry.add("example.users-table", () -> PREFIX + "users");
  }

  @AfterAll
  static void dropTables() throws Exception {
    try (Connection c = PostgreSQLAvailable.connect(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + PREFIX + "sessions");
      s.execute("DROP TABLE IF EXISTS " + PREFIX + "counters");
      s.execute("DROP TABLE IF EXISTS " + PREFIX + "users");
    }
  }

  @Test
  void createsAGigsStyleSessionInPostgreSQLWithAUrlIntoTheHostedFlow() throws Exception {
    HttpResponse<String> created = post("/projects/prj_1/connectSessions", """
        {"callbackUrl": "https://example.com/done",
         "intent": {"type": "checkoutNewSubscription", "checkoutNewSubscription": {"plan": "pln_1"}},
         "userDetails": {"email": "Grace@Example.com", "fullName": "Grace"}}""");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode session = json.readTree(created.body());
    assertThat(session.get("id").asString()).startsWith("csn_");
    assertThat(session.get("status").asString()).isEqualTo("open");
    String url = session.get("url").asString();
    assertThat(url).startsWith(BASE + "/handoff/");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM " + PREFIX + "sessions WHERE id = ?", Integer.class,
        session.get("id").asString())).isEqualTo(1);

    // Redeeming creates the user in the application's own table, through its UserDirectory.
    Redemption redemption = handoff.redeem(URI.create(url).getQuery().replaceFirst(".*token=", ""));
    assertThat(jdbc.queryForObject("SELECT email FROM " + PREFIX + "users WHERE id = ?", String.class,
        redemption.user().id())).isEqualTo("grace@example.com");

    HttpResponse<String> read = get("/projects/prj_1/connectSessions/" + session.get("id").asString());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(json.readTree(read.body()).get("status").asString()).isEqualTo("active");
  }

  @Test
  void answersHandoffErrorsWithProblemDetails() throws Exception {
    HttpResponse<String> unknownIntent = post("/projects/prj_1/connectSessions",
        "{\"intent\": {\"type\": \"nope\", \"nope\": {}}}");
    assertThat(unknownIntent.statusCode()).isEqualTo(422);
    assertThat(unknownIntent.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = json.readTree(unknownIntent.body());
    assertThat(problem.get("code").asString()).isEqualTo("UNPROCESSABLE");
    assertThat(problem.get("status").asInt()).isEqualTo(422);
    assertThat(problem.get("detail").asString()).contains("nope");

    HttpResponse<String> missing = get("/projects/prj_1/connectSessions/csn_doesnotexist");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json.readTree(missing.body()).get("code").asString()).isEqualTo("NOT_FOUND");
  }

  @Test
  void reportsItsHealthWithTheStoreAndTheActiveKey() throws Exception {
    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode handoffHealth = json.readTree(health.body()).get("components").get("handoff");
    assertThat(handoffHealth.get("status").asString()).isEqualTo("UP");
    assertThat(handoffHealth.get("details").get("store").asString()).isEqualTo("JdbcSessionStore");
    assertThat(handoffHealth.get("details").get("activeKid").asString()).isEqualTo("k1");
    assertThat(handoffHealth.get("details").get("generatedKey").asBoolean()).isFalse();
  }

  @Test
  void showsOperationTimersAndEventCountersInActuatorMetrics() throws Exception {
    assertThat(post("/projects/prj_2/connectSessions", """
        {"intent": {"type": "viewSubscription", "viewSubscription": {"subscription": "sub_1"}},
         "userDetails": {"email": "metrics@example.com"}}""")
        .statusCode()).isEqualTo(201);

    assertThat(operations("create")).isGreaterThanOrEqualTo(1);

    HttpResponse<String> events = get("/actuator/metrics/handoff.events?tag=type:created");
    assertThat(events.statusCode()).isEqualTo(200);
    assertThat(json.readTree(events.body()).get("measurements").get(0).get("value").asDouble())
        .isGreaterThanOrEqualTo(1);
    assertThat(json.readTree(events.body()).get("availableTags").toString()).doesNotContain("tenant");
  }

  /**
   * The loop an end user goes through, in Chromium: the link the controller answered with opens the review page of
   * the hosted flow that the starter mounted, and confirming lands on the app's own {@code /done} page. Actuator
   * then shows the store UP and the operations that just ran.
   */
  @Test
  void completesTheHostedFlowInChromiumBackToTheAppAndActuatorShowsIt() throws Exception {
    try (Chromium chromium = Chromium.start()) {
      Map<String, Double> before = Map.of("redeem", operations("redeem"),
          "complete_from_browser", operations("complete_from_browser"));
      HttpResponse<String> created = post("/projects/prj_browser/connectSessions", """
          {"callbackUrl": "%s/done",
           "intent": {"type": "checkoutNewSubscription", "checkoutNewSubscription": {"plan": "pln_pro"}},
           "userDetails": {"email": "ada@example.com", "fullName": "Ada Lovelace"}}""".formatted(BASE));
      assertThat(created.statusCode()).isEqualTo(201);
      JsonNode session = json.readTree(created.body());

      ChromeDriver browser = chromium.driver();
      browser.get(session.get("url").asString());
      WebDriverWait waiting = new WebDriverWait(browser, Duration.ofSeconds(10), Duration.ofMillis(20));
      waiting.until(d -> d.getCurrentUrl().equals(BASE + "/handoff/session")
          && d.findElements(By.cssSelector("form[action$='/handoff/complete'] button")).size() == 1);
      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Review and confirm");
      assertThat(browser.findElement(By.tagName("body")).getText()).contains("pln_pro");
      chromium.screenshot("spring-boot-review");
      // The example app has no icon of its own (a real one has): only its 404 for /favicon.ico may be there.
      assertThat(chromium.consoleProblems()).as("console problems")
          .allMatch(p -> p.contains(BASE + "/favicon.ico - Failed to load resource"));

      browser.findElement(By.cssSelector("form[action$='/handoff/complete'] button")).click();
      waiting.until(d -> d.getCurrentUrl().equals(BASE + "/done"));
      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Back in the app");
      chromium.screenshot("spring-boot-done");

      HttpResponse<String> read = get("/projects/prj_browser/connectSessions/" + session.get("id").asString());
      assertThat(json.readTree(read.body()).get("status").asString()).isEqualTo("completed");

      HttpResponse<String> health = get("/actuator/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(json.readTree(health.body()).get("components").get("handoff").get("status").asString())
          .isEqualTo("UP");
      HttpResponse<String> metrics = get("/actuator/metrics/handoff.operations");
      assertThat(metrics.statusCode()).isEqualTo(200);
      List<String> operations = new ArrayList<>();
      for (JsonNode tag : json.readTree(metrics.body()).get("availableTags")) {
        if (tag.get("tag").asString().equals("operation")) {
          tag.get("values").forEach(v -> operations.add(v.asString()));
        }
      }
      assertThat(operations).contains("create", "redeem", "complete_from_browser");
      for (Map.Entry<String, Double> operation : before.entrySet()) {
        assertThat(operations(operation.getKey())).as(operation.getKey()).isEqualTo(operation.getValue() + 1);
      }
    }
  }

  /** How many times the operation succeeded, by {@code /actuator/metrics/handoff.operations}; 0 before the first. */
  private double operations(String operation) throws IOException, InterruptedException {
    HttpResponse<String> timer = get("/actuator/metrics/handoff.operations?tag=operation:" + operation
        + "&tag=outcome:success");
    if (timer.statusCode() == 404) {
      return 0;
    }
    assertThat(timer.statusCode()).isEqualTo(200);
    JsonNode count = json.readTree(timer.body()).get("measurements").get(0);
    assertThat(count.get("statistic").asString()).isEqualTo("COUNT");
    return count.get("value").asDouble();
  }

  private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(BASE + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(BASE + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
