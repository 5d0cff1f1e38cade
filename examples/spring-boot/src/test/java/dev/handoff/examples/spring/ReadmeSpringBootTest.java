package dev.handoff.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.examples.readme.spring.ConnectApp;
import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's "Embed in Spring Boot": its application is {@link ConnectApp}, verbatim, and with the README's five
 * properties, and nothing else of Handoff's, it creates sessions whose URLs open the hosted flow.
 */
class ReadmeSpringBootTest {
  private static final Path SNIPPET = Path.of("src/test/java/dev/handoff/examples/readme/spring/ConnectApp.java");
  private static final Path README = Path.of("../../README.md");

  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void theReadmeShowsTheApplicationVerbatim() throws Exception {
    String file = Files.readString(SNIPPET);
    String region = file.substring(file.indexOf('\n', file.indexOf("// README:begin")) + 1,
        file.indexOf("// README:end"));
    String readme = Files.readString(README);
    String begin = "<!-- snippet: examples/spring-boot/" + SNIPPET.toString().replace('\\', '/') + " -->\n```java\n";
    assertThat(readme).contains(begin);
    int start = readme.indexOf(begin) + begin.length();
    assertThat(readme.substring(start, readme.indexOf("```\n", start))).isEqualTo(region);
  }

  @Test
  @ExtendWith(PostgreSQLAvailable.class)
  void startsWithTheFivePropertiesAndItsSessionUrlsOpenTheHostedFlow() throws Exception {
    Properties five = readmeProperties();
    assertThat(five.stringPropertyNames()).hasSize(5).allMatch(name -> name.startsWith("handoff."));
    // Its own schema: the README's table names (users, handoff_sessions) without meeting anyone else's.
    String schema = "readme_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(5));
    sql("CREATE SCHEMA " + schema,
        "CREATE TABLE " + schema + ".users (tenant VARCHAR(100) NOT NULL, id VARCHAR(60) NOT NULL, email "
            + "VARCHAR(254) NOT NULL, name VARCHAR(200), PRIMARY KEY (tenant, id))",
        "INSERT INTO " + schema + ".users VALUES ('acme', 'usr_1', 'ada@example.com', 'Ada')");
    int port = freePort();
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Map<String, Object> properties = new HashMap<>();
    five.forEach((name, value) -> properties.put((String) name, value));
    // Not this module's application.properties (the fuller example's): the README's properties only.
    properties.put("spring.config.name", "readme-connect-app");
    properties.put("HANDOFF_MASTER_SECRET", Base64.getEncoder().encodeToString(secret));
    properties.put("spring.datasource.url", PostgreSQLAvailable.URL
        + (PostgreSQLAvailable.URL.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    properties.put("spring.datasource.username", PostgreSQLAvailable.USER);
    properties.put("server.port", port);
    properties.put("management.endpoint.health.show-details", "always");
    String[] arguments = properties.entrySet().stream().map(p -> "--" + p.getKey() + "=" + p.getValue())
        .toArray(String[]::new);
    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ConnectApp.class).main(ConnectApp.class)
        .run(arguments)) {
      String base = "http://localhost:" + port;
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base
          + "/connect-sessions?user=usr_1&plan=pln_1")).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).isEqualTo(200);
      JsonNode session = json.readTree(created.body());
      assertThat(session.get("id").asString()).startsWith("csn_");
      URI url = URI.create(session.get("url").asString());
      assertThat(url.toString()).startsWith("https://connect.example.com/handoff/entry?session=");

      // The same link on this server (the public URL is a proxy's, in front of it): the page that continues.
      HttpResponse<String> entry = http.send(HttpRequest.newBuilder(URI.create(base + url.getPath() + "?"
          + url.getRawQuery())).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(entry.statusCode()).isEqualTo(200);
      assertThat(entry.body()).contains("<form", "action=\"/handoff/entry\"");
      // A broken link gets the flow's own page, not the application's error page.
      HttpResponse<String> incomplete = http.send(HttpRequest.newBuilder(URI.create(base + "/handoff/entry")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(incomplete.statusCode()).isEqualTo(400);
      assertThat(incomplete.body()).contains("This link is incomplete");

      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(json.readTree(health.body()).get("components").get("handoff").get("details").get("store")
          .asString()).isEqualTo("JdbcSessionStore");
    } finally {
      sql("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  /** The README's properties block, as Spring reads application.properties. */
  private static Properties readmeProperties() throws IOException {
    String readme = Files.readString(README);
    int section = readme.indexOf("## Embed in Spring Boot");
    int start = readme.indexOf("```properties\n", section) + "```properties\n".length();
    Properties properties = new Properties();
    properties.load(new StringReader(readme.substring(start, readme.indexOf("```\n", start))));
    return properties;
  }

  private static void sql(String... statements) throws Exception {
    try (Connection c = PostgreSQLAvailable.connect(); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
