package dev.handoff.examples.server;

import static dev.handoff.examples.server.ServerFixture.GIGS_KEY;
import static dev.handoff.examples.server.ServerFixture.bearer;
import static dev.handoff.examples.server.ServerFixture.csrf;
import static dev.handoff.examples.server.ServerFixture.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code --jdbc-url}: the same flow, with the sessions in a database (embedded H2 here) instead of memory. */
class JdbcBackedServerTest {

  @Test
  void sessionsLiveInTheDatabaseAndTheFlowWorksAsInMemory() throws IOException, SQLException {
    String url = "jdbc:h2:mem:example-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    try (var fx = new ServerFixture(null, url)) {
      var created = fx.json("POST", "/projects/dev/connectSessions", GigsConnectSessionsTest.SEED_REQUEST,
          bearer(GIGS_KEY));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String link = parse(created).get("url").asText();

      try (var db = DriverManager.getConnection(url);
          var rows = db.createStatement().executeQuery(
              "SELECT status, token_digest FROM handoff_example_sessions")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).isEqualTo("OPEN");
        assertThat(link).doesNotContain(rows.getString(2));
        assertThat(rows.next()).isFalse();
      }

      var browser = ServerFixture.browser();
      var page = fx.open(browser, link);
      var done = fx.post(browser, "/checkout/complete", "csrf", csrf(page));
      assertThat(done.headers().firstValue("Location")).hasValue("https://example.com");
      var other = ServerFixture.browser();
      assertThat(fx.continueFrom(other, fx.get(other, link)).statusCode()).isEqualTo(401);
    }
  }
}
