package dev.handoff.examples.server;

import static dev.handoff.examples.server.ServerFixture.GIGS_KEY;
import static dev.handoff.examples.server.ServerFixture.GIGS_OTHER_KEY;
import static dev.handoff.examples.server.ServerFixture.SEED_USER;
import static dev.handoff.examples.server.ServerFixture.bearer;
import static dev.handoff.examples.server.ServerFixture.fields;
import static dev.handoff.examples.server.ServerFixture.parse;
import static dev.handoff.examples.server.ServerFixture.parseJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Gigs Connect Sessions over HTTP: every request of seed 000, the url rules of its PATCH, and the error cases. */
class GigsConnectSessionsTest {
  /** Seed 000's create request, verbatim. */
  static final String SEED_REQUEST = """
      {
        "callbackUrl": "https://example.com",
        "intent": {
          "type": "checkoutNewSubscription",
          "checkoutNewSubscription": {
            "plan": "pln_0U32ZjA60Z7P8Y5vLtmvXaIMEiPr"
          }
        },
        "user": "usr_0U2ViuFW0Z7P8Y2S1L76mfADMT6m"
      }""";
  static final List<String> SESSION_FIELDS =
      List.of("object", "id", "callbackUrl", "intent", "url", "user", "userDetails");
  static final List<String> ERROR_FIELDS = List.of("object", "type", "message", "details");
  static final String SESSIONS = "/projects/dev/connectSessions";
  static final String TENANT = "gigs:dev";

  static ServerFixture fx;

  @BeforeAll
  static void start() throws IOException {
    fx = new ServerFixture();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static JsonNode create(String body) {
    var response = fx.json("POST", SESSIONS, body, bearer(GIGS_KEY));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return parse(response);
  }

  @Test
  void seedRequestCreatesAnAuthenticatedConnectSession() {
    JsonNode session = create(SEED_REQUEST);

    assertThat(fields(session)).containsExactlyElementsOf(SESSION_FIELDS);
    assertThat(session.get("object").asText()).isEqualTo("connectSession");
    assertThat(session.get("id").asText()).matches("csn_[0-9a-v]{9}[A-Za-z0-9_-]{22}");
    assertThat(session.get("callbackUrl").asText()).isEqualTo("https://example.com");
    assertThat(session.get("intent")).isEqualTo(parseJson(SEED_REQUEST).get("intent"));
    assertThat(session.get("url").asText())
        .startsWith(fx.base + "/checkout/entry?session=" + session.get("id").asText() + "&token=");
    assertThat(session.get("user").asText()).isEqualTo(SEED_USER);
    assertThat(session.get("userDetails").isNull()).isTrue();
  }

  @Test
  void userDetailsMakeAnAuthenticatedSessionForAUserCreatedLater() {
    JsonNode session = create("""
        {"intent": {"type": "viewSubscription", "viewSubscription": {"subscription": "sub_1"}},
         "userDetails": {"email": "new-user@example.com", "fullName": "New User", "preferredLocale": "en-US"}}""");

    assertThat(fields(session)).containsExactlyElementsOf(SESSION_FIELDS);
    assertThat(session.get("user").isNull()).isTrue();
    assertThat(session.get("callbackUrl").isNull()).isTrue();
    assertThat(session.get("userDetails")).isEqualTo(parseJson(
        "{\"email\": \"new-user@example.com\", \"fullName\": \"New User\", \"preferredLocale\": \"en-US\"}"));
    assertThat(session.get("url").asText()).contains("&token=");
  }

  @Test
  void neitherUserNorUserDetailsMakeAnUnauthenticatedSession() {
    JsonNode session = create("""
        {"callbackUrl": "https://example.com", "intent": {"type": "checkoutNewSubscription",
         "checkoutNewSubscription": {"plan": "pln_1"}}}""");

    assertThat(session.get("user").isNull()).isTrue();
    assertThat(session.get("userDetails").isNull()).isTrue();
    assertThat(session.get("url").asText()).contains("&token=");
  }

  @Test
  void getReturnsTheSessionWithoutItsUrl() {
    JsonNode created = create(SEED_REQUEST);

    var response = fx.json("GET", SESSIONS + "/" + created.get("id").asText(), null, bearer(GIGS_KEY));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode session = parse(response);
    assertThat(fields(session)).containsExactlyElementsOf(SESSION_FIELDS);
    assertThat(session.get("url").isNull()).isTrue();
    assertThat(session.get("id")).isEqualTo(created.get("id"));
    assertThat(session.get("intent")).isEqualTo(created.get("intent"));
    assertThat(session.get("user")).isEqualTo(created.get("user"));
  }

  @Test
  void patchOfOtherDetailsLeavesUrlEmptyAndTheEarlierUrlWorking() {
    JsonNode created = create(SEED_REQUEST);

    var response = fx.json("PATCH", SESSIONS + "/" + created.get("id").asText(),
        "{\"callbackUrl\": \"https://example.com/elsewhere\"}", bearer(GIGS_KEY));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode patched = parse(response);
    assertThat(fields(patched)).containsExactlyElementsOf(SESSION_FIELDS);
    assertThat(patched.get("url").isNull()).isTrue();
    assertThat(patched.get("callbackUrl").asText()).isEqualTo("https://example.com/elsewhere");
    fx.open(ServerFixture.browser(), created.get("url").asText());
  }

  @Test
  void patchThatAssociatesAUserReturnsANewUrlAndRetiresTheEarlierOne() {
    JsonNode created = create("""
        {"callbackUrl": "https://example.com", "intent": {"type": "checkoutNewSubscription",
         "checkoutNewSubscription": {"plan": "pln_1"}}}""");

    var response = fx.json("PATCH", SESSIONS + "/" + created.get("id").asText(),
        "{\"user\": \"" + SEED_USER + "\"}", bearer(GIGS_KEY));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode patched = parse(response);
    assertThat(patched.get("user").asText()).isEqualTo(SEED_USER);
    String newUrl = patched.get("url").asText();
    assertThat(newUrl).contains("&token=").isNotEqualTo(created.get("url").asText());
    var browser = ServerFixture.browser();
    var stale = fx.continueFrom(browser, fx.get(browser, created.get("url").asText()));
    assertThat(stale.statusCode()).isEqualTo(401);
    assertThat(stale.body()).contains("no longer valid").contains("href=\"https://example.com\"");
    assertThat(fx.open(ServerFixture.browser(), newUrl).body()).contains("Ada Lovelace");
  }

  @Test
  void patchOfTheIntentKeepsTheUrlAndIsValidated() {
    JsonNode created = create(SEED_REQUEST);
    String path = SESSIONS + "/" + created.get("id").asText();
    var invalid = fx.json("PATCH", path, "{\"intent\": {\"type\": \"viewSubscription\"}}", bearer(GIGS_KEY));
    assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(422);

    JsonNode patched = parse(fx.json("PATCH", path,
        "{\"intent\": {\"type\": \"viewSubscription\", \"viewSubscription\": {\"subscription\": \"sub_9\"}}}",
        bearer(GIGS_KEY)));
    assertThat(patched.get("url").isNull()).isTrue();
    assertThat(patched.get("intent").get("viewSubscription").get("subscription").asText()).isEqualTo("sub_9");
    assertThat(fx.open(ServerFixture.browser(), created.get("url").asText()).body()).contains("sub_9");
  }

  @Test
  void patchWithUserDetailsAlsoMintsANewUrl() {
    JsonNode created = create("""
        {"intent": {"type": "viewSubscription", "viewSubscription": {"subscription": "sub_1"}}}""");

    JsonNode patched = parse(fx.json("PATCH", SESSIONS + "/" + created.get("id").asText(),
        "{\"userDetails\": {\"email\": \"patched@example.com\"}}", bearer(GIGS_KEY)));

    assertThat(patched.get("url").asText()).contains("&token=");
    assertThat(patched.get("userDetails").get("email").asText()).isEqualTo("patched@example.com");
    assertThat(fx.open(ServerFixture.browser(), patched.get("url").asText()).body()).contains("patched@example.com");
  }

  @Test
  void aFinishedSessionCannotBePatched() {
    JsonNode created = create(SEED_REQUEST);
    var browser = ServerFixture.browser();
    var page = fx.open(browser, created.get("url").asText());
    fx.post(browser, "/checkout/complete", "csrf", ServerFixture.csrf(page));

    assertError(fx.json("PATCH", SESSIONS + "/" + created.get("id").asText(),
        "{\"callbackUrl\": \"https://example.com/later\"}", bearer(GIGS_KEY)), 409, "conflict");
  }

  @Test
  void anExpiredSessionCannotBePatched() throws IOException {
    try (var own = new ServerFixture()) {
      var response = own.json("POST", SESSIONS, SEED_REQUEST, bearer(GIGS_KEY));
      String id = parse(response).get("id").asText();
      own.clock.advance(Duration.ofHours(2));

      assertError(own.json("PATCH", SESSIONS + "/" + id, "{\"user\": \"" + SEED_USER + "\"}", bearer(GIGS_KEY)),
          410, "expired");
    }
  }

  @Test
  void tooDeeplyNestedJsonIsMalformed() {
    String deep = "{\"a\": ".repeat(40) + "1" + "}".repeat(40);
    assertError(fx.json("POST", SESSIONS, deep, bearer(GIGS_KEY)), 400, "invalidRequest");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "checkoutNewSubscription | {\"plan\": \"pln_1\", \"addons\": [\"add_1\"], \"allowPlanChange\": true} | {}",
      "checkoutAddon           | {\"subscription\": \"sub_1\", \"addons\": [\"add_1\"]}  | {\"subscription\": \"sub_1\", \"addons\": []}",
      "changeSubscription      | {\"subscription\": \"sub_1\", \"plan\": \"pln_2\"}     | {\"plan\": \"pln_2\"}",
      "cancelSubscription      | {\"subscription\": \"sub_1\"}                          | {}",
      "resumeSubscription      | {\"subscription\": \"sub_1\"}                          | {\"subscription\": 7}",
      "completePorting         | {\"subscription\": \"sub_1\"}                          | {\"subscription\": \"\"}",
      "confirmPayment          | {\"subscription\": \"sub_1\"}                          | {\"subscription\": \"sub_1\", \"x\": 1}",
      "viewSubscription        | {\"subscription\": \"sub_1\"}                          | {}",
      "viewEsimInstallation    | {\"subscription\": \"sub_1\"}                          | {\"sim\": \"sim_1\"}"})
  void everyGigsIntentIsRegisteredAndValidated(String type, String valid, String invalid) {
    JsonNode session = create(intentRequest(type, valid));
    assertThat(session.get("intent").get(type)).isEqualTo(parseJson(valid));

    var before = fx.sessionIds(TENANT);
    var refused = fx.json("POST", SESSIONS, intentRequest(type, invalid), bearer(GIGS_KEY));
    assertError(refused, 422, "validationFailed");
    assertThat(parse(refused).get("message").asText()).contains("intent " + type);
    assertThat(fx.sessionIds(TENANT)).isEqualTo(before);
  }

  private static String intentRequest(String type, String payload) {
    return "{\"user\": \"" + SEED_USER + "\", \"intent\": {\"type\": \"" + type + "\", \"" + type + "\": " + payload
        + "}}";
  }

  @Test
  void missingOrWrongKeysAre401() {
    for (String[] headers : List.of(new String[0], bearer("not-a-key-at-all"), bearer(GIGS_OTHER_KEY),
        bearer(ServerFixture.APIDECK_KEY), new String[] {"Authorization", "Basic " + GIGS_KEY})) {
      var response = fx.json("POST", SESSIONS, SEED_REQUEST, headers);
      assertError(response, 401, "unauthorized");
    }
    assertError(fx.json("GET", SESSIONS + "/csn_x", null), 401, "unauthorized");
  }

  @Test
  void anotherProjectsSessionIs404() {
    String id = create(SEED_REQUEST).get("id").asText();

    assertError(fx.json("GET", "/projects/other/connectSessions/" + id, null, bearer(GIGS_OTHER_KEY)), 404,
        "notFound");
    assertError(fx.json("PATCH", "/projects/other/connectSessions/" + id, "{\"callbackUrl\": \"https://x.example\"}",
        bearer(GIGS_OTHER_KEY)), 404, "notFound");
    assertError(fx.json("GET", SESSIONS + "/csn_doesnotexist", null, bearer(GIGS_KEY)), 404, "notFound");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "400 | invalidRequest   | {\"intent\": ",
      "400 | invalidRequest   | [1, 2]",
      "400 | invalidRequest   | ''",
      "400 | invalidRequest   | {\"user\": \"a\", \"user\": \"b\"}",
      "422 | validationFailed | {\"callbackUrl\": \"https://example.com\"}",
      "422 | validationFailed | {\"intent\": {\"type\": \"checkoutNewSubscription\", \"checkoutNewSubscription\": {\"plan\": \"p\"}}, \"plan\": \"x\"}",
      "422 | validationFailed | {\"intent\": {\"type\": \"checkoutNewSubscription\", \"checkoutNewSubscription\": {\"plan\": \"p\"}, \"other\": {}}}",
      "422 | validationFailed | {\"intent\": {\"type\": 5}}",
      "422 | validationFailed | {\"intent\": \"checkoutNewSubscription\"}",
      "422 | validationFailed | {\"intent\": {\"type\": \"noSuchIntent\", \"noSuchIntent\": {}}}",
      "422 | validationFailed | {\"intent\": {\"type\": \"type\"}}",
      "422 | validationFailed | {\"intent\": {\"type\": \"viewSubscription\", \"viewSubscription\": {\"subscription\": \"s\"}}, \"user\": 42}",
      "422 | validationFailed | {\"intent\": {\"type\": \"viewSubscription\", \"viewSubscription\": {\"subscription\": \"s\"}}, \"user\": \"u\", \"userDetails\": {\"email\": \"a@example.com\"}}",
      "422 | validationFailed | {\"intent\": {\"type\": \"viewSubscription\", \"viewSubscription\": {\"subscription\": \"s\"}}, \"userDetails\": {\"email\": \"not-an-email\"}}",
      "422 | validationFailed | {\"intent\": {\"type\": \"viewSubscription\", \"viewSubscription\": {\"subscription\": \"s\"}}, \"userDetails\": {\"email\": \"ada@example.com\"}}",
      "422 | validationFailed | {\"intent\": {\"type\": \"viewSubscription\", \"viewSubscription\": {\"subscription\": \"s\"}}, \"userDetails\": {\"email\": \"a@example.com\", \"age\": 3}}",
      "400 | invalidRequest   | {\"intent\": {\"type\": \"viewSubscription\", \"viewSubscription\": {\"subscription\": \"s\"}}, \"callbackUrl\": \"javascript:alert(1)\"}",
      "400 | invalidRequest   | {\"intent\": {\"type\": \"viewSubscription\", \"viewSubscription\": {\"subscription\": \"s\"}}, \"callbackUrl\": \"http://example.com\"}",
      "404 | notFound         | {\"intent\": {\"type\": \"viewSubscription\", \"viewSubscription\": {\"subscription\": \"s\"}}, \"user\": \"usr_nobody\"}"})
  void rejectedCreatesAnswerInGigsShapeAndStoreNothing(int status, String type, String body) {
    var before = fx.sessionIds(TENANT);

    assertError(fx.json("POST", SESSIONS, body, bearer(GIGS_KEY)), status, type);

    assertThat(fx.sessionIds(TENANT)).isEqualTo(before);
  }

  @Test
  void oversizedBodiesAre413AndStoreNothing() {
    var before = fx.sessionIds(TENANT);
    String big = "{\"callbackUrl\": \"https://example.com/" + "a".repeat(Exchange.MAX_BODY_BYTES) + "\"}";

    assertError(fx.json("POST", SESSIONS, big, bearer(GIGS_KEY)), 413, "payloadTooLarge");

    assertThat(fx.sessionIds(TENANT)).isEqualTo(before);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "422 | {\"intent\": {\"type\": \"viewSubscription\"}}",
      "422 | {\"plan\": \"x\"}",
      "422 | {\"user\": \"" + SEED_USER + "\", \"userDetails\": {\"email\": \"b@example.com\"}}",
      "400 | {\"callbackUrl\": \"ftp://example.com\"}",
      "400 | not json"})
  void rejectedPatchesChangeNothing(int status, String body) {
    JsonNode created = create(SEED_REQUEST);
    String path = SESSIONS + "/" + created.get("id").asText();

    assertThat(fx.json("PATCH", path, body, bearer(GIGS_KEY)).statusCode()).isEqualTo(status);

    JsonNode after = parse(fx.json("GET", path, null, bearer(GIGS_KEY)));
    assertThat(after.get("callbackUrl")).isEqualTo(created.get("callbackUrl"));
    assertThat(after.get("user")).isEqualTo(created.get("user"));
    fx.open(ServerFixture.browser(), created.get("url").asText());
  }

  @Test
  void otherMethodsAndPathsAreRefused() {
    assertError(fx.json("DELETE", SESSIONS + "/csn_x", null, bearer(GIGS_KEY)), 405, "methodNotAllowed");
    assertError(fx.json("GET", SESSIONS, null, bearer(GIGS_KEY)), 405, "methodNotAllowed");
    assertError(fx.json("GET", "/projects/dev/other", null, bearer(GIGS_KEY)), 404, "notFound");
  }

  static void assertError(HttpResponse<String> response, int status, String type) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = parse(response);
    assertThat(fields(error)).containsExactlyElementsOf(ERROR_FIELDS);
    assertThat(error.get("object").asText()).isEqualTo("error");
    assertThat(error.get("type").asText()).isEqualTo(type);
    assertThat(error.get("message").asText()).isNotBlank();
    assertThat(error.get("details").isArray()).isTrue();
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.handoff");
  }

}
