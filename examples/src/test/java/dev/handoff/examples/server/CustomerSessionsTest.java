package dev.handoff.examples.server;

import static dev.handoff.examples.server.ServerFixture.OTHER_CUSTOMER;
import static dev.handoff.examples.server.ServerFixture.WORKSPACE_KEY;
import static dev.handoff.examples.server.ServerFixture.bearer;
import static dev.handoff.examples.server.ServerFixture.fields;
import static dev.handoff.examples.server.ServerFixture.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Customer Sessions over HTTP: the request of seed 002, its response field by field, and validation errors. */
class CustomerSessionsTest {
  static final String PATH = "/api/customer-sessions/";
  static final String CUSTOMER = SampleDirectory.CUSTOMER.toString();
  static final String TENANT = "workspace:" + SampleDirectory.WORKSPACE;
  /** Seed 002's request, with its placeholders filled in with valid values. */
  static final String SEED_REQUEST = """
      {
        "customer_id": "992fae2a-2a17-4b7a-8d9a-e3f9a6b1c001",
        "return_url": "https://example.com/account",
        "member_id": "0b3e5f2c-9a41-4d8e-b7c6-1f2e3d4c5b6a",
        "external_member_id": "usr_1337"
      }""";
  static final List<String> SESSION_FIELDS = List.of("created_at", "modified_at", "id", "token", "expires_at",
      "return_url", "customer_portal_url", "customer_id", "customer");
  static final List<String> CUSTOMER_FIELDS = List.of("id", "created_at", "modified_at", "metadata", "external_id",
      "email", "email_verified", "name", "billing_address", "workspace_id", "deleted_at", "avatar_url", "type");

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
    return fx.json("POST", PATH, body, headers);
  }

  @Test
  void seedRequestCreatesACustomerSession() {
    var response = post(SEED_REQUEST, bearer(WORKSPACE_KEY));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonNode session = parse(response);
    assertThat(fields(session)).containsExactlyElementsOf(SESSION_FIELDS);
    Instant created = Instant.parse(session.get("created_at").asText());
    assertThat(created).isEqualTo(fx.clock.instant());
    assertThat(Instant.parse(session.get("modified_at").asText())).isEqualTo(created);
    assertThat(Instant.parse(session.get("expires_at").asText())).isEqualTo(created.plus(Duration.ofHours(1)));
    assertThat(UUID.fromString(session.get("id").asText()).version()).isEqualTo(4);
    String token = session.get("token").asText();
    assertThat(token).isNotBlank();
    assertThat(session.get("return_url").asText()).isEqualTo("https://example.com/account");
    assertThat(session.get("customer_portal_url").asText()).startsWith(fx.base + "/checkout/entry?session=cus_")
        .endsWith("&token=" + token);
    assertThat(session.get("customer_id").asText()).isEqualTo(CUSTOMER);

    JsonNode customer = session.get("customer");
    assertThat(fields(customer)).containsExactlyElementsOf(CUSTOMER_FIELDS);
    assertThat(customer.get("id").asText()).isEqualTo(CUSTOMER);
    assertThat(customer.get("email").asText()).isEqualTo("john@example.com");
    assertThat(customer.get("email_verified").asBoolean()).isTrue();
    assertThat(customer.get("name").asText()).isEqualTo("John Doe");
    assertThat(customer.get("external_id").asText()).isEqualTo("usr_1337");
    assertThat(customer.get("workspace_id").asText()).isEqualTo(SampleDirectory.WORKSPACE);
    assertThat(fields(customer.get("billing_address")))
        .containsExactly("country", "line1", "line2", "postal_code", "city", "state");
    assertThat(customer.get("deleted_at").isNull()).isTrue();
    assertThat(customer.get("type").asText()).isEqualTo("individual");

    var stored = fx.sessionIds(TENANT).stream()
        .map(id -> fx.server.engines().customerSessions().get(TENANT, id))
        .filter(s -> CustomerSessions.publicId(s.id()).toString().equals(session.get("id").asText()))
        .findFirst().orElseThrow();
    assertThat(stored.intent().payload()).containsEntry("customer_id", CUSTOMER)
        .containsEntry("member_id", "0b3e5f2c-9a41-4d8e-b7c6-1f2e3d4c5b6a")
        .containsEntry("external_member_id", "usr_1337");
  }

  @Test
  void onlyTheCustomerIsRequired() {
    var response = post("{\"customer_id\": \"" + CUSTOMER + "\", \"return_url\": null}", bearer(WORKSPACE_KEY));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(parse(response).get("return_url").isNull()).isTrue();
  }

  @Test
  void missingOrWrongTokensAre401() {
    for (String[] headers : List.of(new String[0], bearer("wrong-token-wrong-token"),
        bearer(ServerFixture.GIGS_KEY))) {
      var response = post(SEED_REQUEST, headers);
      assertThat(response.statusCode()).isEqualTo(401);
      JsonNode error = parse(response);
      assertThat(fields(error)).containsExactly("error", "detail");
      assertThat(error.get("error").asText()).isEqualTo("Unauthorized");
    }
  }

  @ParameterizedTest(name = "{1}: {0}")
  @CsvSource(delimiter = '|', value = {
      "{\"customer_id\": | | ",
      "{} | customer_id | missing",
      "{\"customer_id\": null} | customer_id | missing",
      "{\"customer_id\": 42} | customer_id | string_type",
      "{\"customer_id\": \"not-a-uuid\"} | customer_id | value_error",
      "{\"customer_id\": \"00000000-0000-4000-8000-000000000000\"} | customer_id | value_error",
      "{\"customer_id\": \"" + "5c9e1d0a-7d44-4f3a-9b1e-2f6c8a4d3e22" + "\"} | customer_id | value_error",
      "{\"customer_id\": \"992fae2a-2a17-4b7a-8d9a-e3f9a6b1c001\", \"return_url\": \"\"} | return_url | value_error",
      "{\"customer_id\": \"992fae2a-2a17-4b7a-8d9a-e3f9a6b1c001\", \"return_url\": \"example.com\"} | return_url | value_error",
      "{\"customer_id\": \"992fae2a-2a17-4b7a-8d9a-e3f9a6b1c001\", \"return_url\": \"http://example.com/\"} | return_url | value_error",
      "{\"customer_id\": \"992fae2a-2a17-4b7a-8d9a-e3f9a6b1c001\", \"member_id\": \"m1\"} | member_id | value_error",
      "{\"customer_id\": \"992fae2a-2a17-4b7a-8d9a-e3f9a6b1c001\", \"external_member_id\": 7} | external_member_id | string_type",
      "{\"customer_id\": \"992fae2a-2a17-4b7a-8d9a-e3f9a6b1c001\", \"organization_id\": \"x\"} | organization_id | extra_forbidden"})
  void invalidRequestsAre422InValidationShapeAndStoreNothing(String body, String field, String type) {
    var before = fx.sessionIds(TENANT);

    var response = post(body, bearer(WORKSPACE_KEY));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    JsonNode error = parse(response);
    assertThat(fields(error)).containsExactly("error", "detail");
    assertThat(error.get("error").asText()).isEqualTo("RequestValidationError");
    JsonNode detail = error.get("detail").get(0);
    assertThat(fields(detail)).containsExactly("loc", "msg", "type");
    if (field == null) {
      assertThat(detail.get("type").asText()).isEqualTo("json_invalid");
    } else {
      assertThat(detail.get("loc").toString()).isEqualTo("[\"body\",\"" + field + "\"]");
      assertThat(detail.get("type").asText()).isEqualTo(type);
    }
    assertThat(fx.sessionIds(TENANT)).isEqualTo(before);
  }

  @Test
  void aReturnUrlMayHave2083CharactersButNoMore() {
    String prefix = "https://example.com/";
    String longest = prefix + "a".repeat(2083 - prefix.length());
    var ok = post("{\"customer_id\": \"" + CUSTOMER + "\", \"return_url\": \"" + longest + "\"}",
        bearer(WORKSPACE_KEY));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);

    var tooLong = post("{\"customer_id\": \"" + CUSTOMER + "\", \"return_url\": \"" + longest + "a\"}",
        bearer(WORKSPACE_KEY));
    assertThat(tooLong.statusCode()).isEqualTo(422);
    assertThat(parse(tooLong).get("detail").get(0).get("loc").toString()).isEqualTo("[\"body\",\"return_url\"]");
  }

  @Test
  void eachWorkspaceSeesOnlyItsOwnCustomers() {
    var response = post("{\"customer_id\": \"" + OTHER_CUSTOMER + "\"}", bearer(ServerFixture.OTHER_WORKSPACE_KEY));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(parse(response).get("customer").get("workspace_id").asText())
        .isEqualTo(ServerFixture.OTHER_WORKSPACE);

    assertThat(post("{\"customer_id\": \"" + CUSTOMER + "\"}", bearer(ServerFixture.OTHER_WORKSPACE_KEY))
        .statusCode()).isEqualTo(422);
  }

  @Test
  void otherPathsAndMethodsAreRefused() {
    var notFound = fx.json("GET", "/api/customer-sessions/abc", null, bearer(WORKSPACE_KEY));
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(fields(parse(notFound))).containsExactly("error", "detail");
    assertThat(fx.json("GET", PATH, null, bearer(WORKSPACE_KEY)).statusCode()).isEqualTo(405);
    assertThat(fx.json("GET", "/nowhere", null).statusCode()).isEqualTo(404);
  }
}
