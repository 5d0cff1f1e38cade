package dev.handoff.examples.server;

import static dev.handoff.examples.server.ServerFixture.APIDECK_KEY;
import static dev.handoff.examples.server.ServerFixture.SEED_APP;
import static dev.handoff.examples.server.ServerFixture.bearer;
import static dev.handoff.examples.server.ServerFixture.fields;
import static dev.handoff.examples.server.ServerFixture.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.handoff.Session;
import dev.handoff.spi.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Apideck Vault Sessions over HTTP: the request of seed 001, session lengths, and the error cases. */
class ApideckVaultSessionsTest {
  /** Seed 001's example session, as the SDK sends it (snake_case JSON). */
  static final String SEED_REQUEST = """
      {
        "consumer_metadata": {
          "account_name": "SpaceX",
          "user_name": "Elon Musk",
          "email": "elon@example.com",
          "image": "https://www.spacex.com/static/images/share.jpg"
        },
        "redirect_uri": "https://mysaas.com/dashboard",
        "settings": {
          "unified_apis": ["crm"],
          "session_length": "30m"
        },
        "theme": {
          "favicon": "https://res.cloudinary.com/apideck/icons/intercom",
          "logo": "https://res.cloudinary.com/apideck/icons/intercom",
          "primary_color": "#286efa",
          "sidepanel_background_color": "#286efa",
          "sidepanel_text_color": "#FFFFFF",
          "vault_name": "Intercom",
          "privacy_url": "https://compliance.apideck.com/privacy-policy",
          "terms_url": "https://www.termsfeed.com/terms-conditions/957c85c1b089ae9e3219c83eff65377e"
        },
        "custom_consumer_settings": {
          "feature_flag_1": true,
          "tax_rates": [{"id": "6", "label": "6%"}, {"id": "21", "label": "21%"}]
        }
      }""";
  static final String CONSUMER = "test-consumer";
  static final String TENANT = "apideck:" + SEED_APP + ":" + CONSUMER;
  static final List<String> ERROR_FIELDS = List.of("status_code", "error", "type_name", "message", "detail", "ref");

  static ServerFixture fx;

  @BeforeAll
  static void start() throws IOException {
    fx = new ServerFixture();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static HttpResponse<String> post(String body, String... headers) {
    return fx.json("POST", "/vault/sessions", body, headers);
  }

  static String[] seedHeaders() {
    return bearer(APIDECK_KEY, "x-apideck-consumer-id", CONSUMER, "x-apideck-app-id", SEED_APP);
  }

  /** The stored session behind a session_uri. */
  static Session sessionOf(JsonNode data) {
    String query = URI.create(data.get("session_uri").asText()).getQuery();
    String id = query.substring("session=".length(), query.indexOf('&'));
    return fx.server.engines().apideck().get(TENANT, id);
  }

  @Test
  void seedRequestCreatesAVaultSession() {
    var response = post(SEED_REQUEST, seedHeaders());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode json = parse(response);
    assertThat(fields(json)).containsExactly("status_code", "status", "data");
    assertThat(json.get("status_code").asInt()).isEqualTo(200);
    assertThat(json.get("status").asText()).isEqualTo("OK");
    JsonNode data = json.get("data");
    assertThat(fields(data)).containsExactly("session_uri", "session_token");
    String token = data.get("session_token").asText();
    assertThat(data.get("session_uri").asText()).startsWith(fx.base + "/checkout/entry?session=vss_")
        .endsWith("&token=" + token);

    Session session = sessionOf(data);
    assertThat(Duration.between(session.createdAt(), session.expiresAt())).isEqualTo(Duration.ofMinutes(30));
    assertThat(session.callbackUrl()).isEqualTo("https://mysaas.com/dashboard");
    assertThat(session.userId()).hasValue(CONSUMER);
    assertThat(session.intent().type()).isEqualTo("vault");
    Map<String, Object> seed = Json.copyOf(JsonBody.parse(SEED_REQUEST.getBytes(StandardCharsets.UTF_8)).toMap());
    assertThat(session.intent().payload()).containsEntry("settings", seed.get("settings"))
        .containsEntry("theme", seed.get("theme"))
        .containsEntry("custom_consumer_settings", seed.get("custom_consumer_settings"));
    assertThat(session.metadata()).isEqualTo(seed.get("consumer_metadata"));
  }

  @Test
  void anEmptyBodyGetsTheDefaultLengthOfOneHour() {
    var response = post(null, seedHeaders());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Session session = sessionOf(parse(response).get("data"));
    assertThat(Duration.between(session.createdAt(), session.expiresAt())).isEqualTo(Duration.ofHours(1));
    assertThat(session.callbackUrl()).isNull();
  }

  @Test
  void aSessionLastsAtMostOneWeek() {
    var week = post("{\"settings\": {\"session_length\": \"1w\"}}", seedHeaders());
    assertThat(week.statusCode()).as(week.body()).isEqualTo(200);
    Session session = sessionOf(parse(week).get("data"));
    assertThat(Duration.between(session.createdAt(), session.expiresAt())).isEqualTo(Duration.ofDays(7));

    var before = fx.sessionIds(TENANT);
    assertError(post("{\"settings\": {\"session_length\": \"8d\"}}", seedHeaders()), 400, "RequestValidationError");
    assertError(post("{\"settings\": {\"session_length\": \"soon\"}}", seedHeaders()), 400, "RequestValidationError");
    assertThat(fx.sessionIds(TENANT)).isEqualTo(before);
  }

  @Test
  void missingOrWrongCredentialsAre401() {
    assertError(post(SEED_REQUEST, "x-apideck-consumer-id", CONSUMER, "x-apideck-app-id", SEED_APP), 401,
        "UnauthorizedError");
    assertError(post(SEED_REQUEST, bearer("wrong-key-wrong-key", "x-apideck-consumer-id", CONSUMER,
        "x-apideck-app-id", SEED_APP)), 401, "UnauthorizedError");
    assertError(post(SEED_REQUEST, bearer(ServerFixture.GIGS_KEY, "x-apideck-consumer-id", CONSUMER,
        "x-apideck-app-id", SEED_APP)), 401, "UnauthorizedError");
    assertError(post(SEED_REQUEST, bearer(APIDECK_KEY, "x-apideck-consumer-id", CONSUMER,
        "x-apideck-app-id", "another-app")), 401, "UnauthorizedError");
    assertError(post(SEED_REQUEST, bearer(APIDECK_KEY, "x-apideck-consumer-id", CONSUMER)), 401,
        "UnauthorizedError");
  }

  @Test
  void aMissingConsumerIdIs400() {
    assertError(post(SEED_REQUEST, bearer(APIDECK_KEY, "x-apideck-app-id", SEED_APP)), 400,
        "RequestHeadersValidationError");
    assertError(post(SEED_REQUEST, bearer(APIDECK_KEY, "x-apideck-app-id", SEED_APP, "x-apideck-consumer-id",
        "x".repeat(65))), 400, "RequestHeadersValidationError");
  }

  @ParameterizedTest(name = "{0}: {2}")
  @CsvSource(delimiter = '|', value = {
      "400 | RequestValidationError   | {\"settings\": ",
      "400 | RequestValidationError   | [\"crm\"]",
      "400 | RequestValidationError   | {\"unknown\": 1}",
      "400 | RequestValidationError   | {\"settings\": {\"unified_apis\": \"crm\"}}",
      "400 | RequestValidationError   | {\"settings\": {\"unified_apis\": [1]}}",
      "400 | RequestValidationError   | {\"settings\": {\"sandbox_mode\": \"yes\"}}",
      "400 | RequestValidationError   | {\"settings\": {\"colour\": \"red\"}}",
      "400 | RequestValidationError   | {\"theme\": {\"primary_color\": 286}}",
      "400 | RequestValidationError   | {\"theme\": {\"primary_color\": \"blue\"}}",
      "400 | RequestValidationError   | {\"theme\": {\"logo\": \"http://example.com/logo.png\"}}",
      "400 | RequestValidationError   | {\"consumer_metadata\": {\"email\": [\"a\"]}}",
      "400 | RequestValidationError   | {\"consumer_metadata\": {\"phone\": \"1\"}}",
      "400 | RequestValidationError   | {\"redirect_uri\": \"not a url\"}",
      "400 | RequestValidationError   | {\"custom_consumer_settings\": [1]}",
      "422 | UnprocessableEntityError | {\"settings\": {\"unified_apis\": [\"crm\", \"telepathy\"]}}"})
  void rejectedRequestsAnswerInApideckShapeAndStoreNothing(int status, String typeName, String body) {
    var before = fx.sessionIds(TENANT);

    assertError(post(body, seedHeaders()), status, typeName);

    assertThat(fx.sessionIds(TENANT)).isEqualTo(before);
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() {
    assertError(fx.json("GET", "/vault/sessions/abc", null, seedHeaders()), 404, "NotFoundError");
    assertError(fx.json("GET", "/vault/sessions", null, seedHeaders()), 405, "MethodNotAllowedError");
  }

  @Test
  void oversizedBodiesAre413() {
    String big = "{\"custom_consumer_settings\": {\"x\": \"" + "a".repeat(Exchange.MAX_BODY_BYTES) + "\"}}";
    assertError(post(big, seedHeaders()), 413, "PayloadTooLargeError");
  }

  static void assertError(HttpResponse<String> response, int status, String typeName) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = parse(response);
    assertThat(fields(error)).containsExactlyElementsOf(ERROR_FIELDS);
    assertThat(error.get("status_code").asInt()).isEqualTo(status);
    assertThat(error.get("type_name").asText()).isEqualTo(typeName);
    assertThat(error.get("error").asText()).isNotBlank();
    assertThat(error.get("ref").asText()).startsWith("https://developers.apideck.com/errors#");
  }
}
