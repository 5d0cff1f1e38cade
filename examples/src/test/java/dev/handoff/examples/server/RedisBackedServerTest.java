package dev.handoff.examples.server;

import static dev.handoff.examples.server.ServerFixture.GIGS_KEY;
import static dev.handoff.examples.server.ServerFixture.bearer;
import static dev.handoff.examples.server.ServerFixture.csrf;
import static dev.handoff.examples.server.ServerFixture.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code --redis-url}: the same flow with the sessions in Redis (127.0.0.1:6379, or {@code HANDOFF_TEST_REDIS_URL}).
 * Skipped with the reason when Redis is unreachable, failed instead under {@code HANDOFF_TEST_REDIS=required}.
 */
class RedisBackedServerTest {

  @Test
  void sessionsLiveInRedisAndTheFlowWorksAsInMemory() throws IOException {
    String url = System.getenv().getOrDefault("HANDOFF_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    assumeReachable(url);
    try (var fx = new ServerFixture(null, url)) {
      // Redis expires keys by its own clock: the engine's must be near it, or sessions leave at once.
      fx.clock.advance(Duration.between(fx.clock.instant(), java.time.Instant.now()));
      var created = fx.json("POST", "/projects/dev/connectSessions", GigsConnectSessionsTest.SEED_REQUEST,
          bearer(GIGS_KEY));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String id = parse(created).get("id").asText();
      String link = parse(created).get("url").asText();

      // The session is a Redis hash under the example's prefix and the tenant's hash tag.
      var client = RedisClient.create(url);
      try (var connection = client.connect()) {
        var keys = connection.sync().keys("handoff-example:{*}:s:" + id);
        assertThat(keys).as("keys of session %s", id).isNotEmpty();
      } finally {
        client.shutdown();
      }

      var browser = ServerFixture.browser();
      var page = fx.open(browser, link);
      var done = fx.post(browser, "/checkout/complete", "csrf", csrf(page));
      assertThat(done.headers().firstValue("Location")).hasValue("https://example.com");
      var other = ServerFixture.browser();
      assertThat(fx.continueFrom(other, fx.get(other, link)).statusCode()).isEqualTo(401);
    }
  }

  private static void assumeReachable(String url) {
    var uri = RedisURI.create(url);
    uri.setTimeout(Duration.ofSeconds(2));
    var client = RedisClient.create(uri);
    try (var connection = client.connect()) {
      connection.sync().ping();
    } catch (RuntimeException e) {
      String reason = "Redis at " + url + " is not reachable (" + e.getClass().getSimpleName() + ")";
      if ("required".equals(System.getenv("HANDOFF_TEST_REDIS"))) {
        throw new AssertionError(reason + "; HANDOFF_TEST_REDIS=required (start it with .ci/start-redis)", e);
      }
      Assumptions.abort(reason + "; set HANDOFF_TEST_REDIS=required to fail instead");
    } finally {
      client.shutdown();
    }
  }
}
