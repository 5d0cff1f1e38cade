package dev.handoff.examples.server;

import static dev.handoff.examples.server.ServerFixture.bearer;
import static dev.handoff.examples.server.ServerFixture.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.handoff.Handoff;
import dev.handoff.spi.SessionStatus;
import java.net.URI;

/** The three seed APIs as the browser tests use them: a session for the sample user, and its state. */
enum SeedApi {
  GIGS,
  APIDECK,
  CUSTOMER_SESSIONS;

  /** A link the API minted, and the session behind it. */
  record Link(SeedApi api, String url, String sessionId) {
    SessionStatus status(ServerFixture fx) {
      return api.engine(fx).get(api.tenant(), sessionId).status();
    }
  }

  /** Creates a session for the API's sample user that goes back to {@code callback}. */
  Link create(ServerFixture fx, String callback) {
    String url = switch (this) {
      case GIGS -> parse(created(fx.json("POST", "/projects/dev/connectSessions", "{\"callbackUrl\": \""
          + callback + "\", \"intent\": {\"type\": \"checkoutNewSubscription\", \"checkoutNewSubscription\": "
          + "{\"plan\": \"" + ServerFixture.SEED_PLAN + "\"}}, \"user\": \"" + ServerFixture.SEED_USER + "\"}",
          bearer(ServerFixture.GIGS_KEY)))).get("url").asText();
      case APIDECK -> data(fx.json("POST", "/vault/sessions", "{\"consumer_metadata\": {\"account_name\": "
          + "\"SpaceX\", \"user_name\": \"Elon Musk\", \"email\": \"elon@example.com\"}, \"redirect_uri\": \""
          + callback + "\", \"settings\": {\"unified_apis\": [\"crm\"], \"session_length\": \"30m\"}, \"theme\": "
          + "{\"vault_name\": \"Intercom\", \"primary_color\": \"#286efa\"}}", bearer(ServerFixture.APIDECK_KEY,
              "x-apideck-consumer-id", ApideckVaultSessionsTest.CONSUMER, "x-apideck-app-id",
              ServerFixture.SEED_APP))).get("session_uri").asText();
      case CUSTOMER_SESSIONS -> parse(created(fx.json("POST", "/api/customer-sessions/", "{\"customer_id\": \""
          + SampleDirectory.CUSTOMER + "\", \"return_url\": \"" + callback + "\"}",
          bearer(ServerFixture.WORKSPACE_KEY)))).get("customer_portal_url").asText();
    };
    String query = URI.create(url).getQuery();
    return new Link(this, url, query.substring("session=".length(), query.indexOf('&')));
  }

  /** A lower-case name for screenshots and callbacks. */
  String slug() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private static java.net.http.HttpResponse<String> created(java.net.http.HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    return response;
  }

  private static JsonNode data(java.net.http.HttpResponse<String> response) {
    return parse(created(response)).get("data");
  }

  private Handoff engine(ServerFixture fx) {
    return switch (this) {
      case GIGS -> fx.server.engines().gigs();
      case APIDECK -> fx.server.engines().apideck();
      case CUSTOMER_SESSIONS -> fx.server.engines().customerSessions();
    };
  }

  private String tenant() {
    return switch (this) {
      case GIGS -> "gigs:dev";
      case APIDECK -> ApideckVaultSessionsTest.TENANT;
      case CUSTOMER_SESSIONS -> CustomerSessionsTest.TENANT;
    };
  }
}
