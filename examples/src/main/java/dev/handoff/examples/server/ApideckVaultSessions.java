package dev.handoff.examples.server;

import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IntentType;
import dev.handoff.IssuedSession;
import dev.handoff.Theme;
import dev.handoff.examples.server.ApiKeys.Api;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Apideck Vault Sessions (seed 001): {@code POST /vault/sessions} with the app's bearer key and the
 * {@code x-apideck-app-id} and {@code x-apideck-consumer-id} headers. The tenant is
 * {@code apideck:<app>:<consumer>}, the session's user is the consumer, and the intent is {@code vault} with the
 * settings, theme and custom consumer settings; the consumer metadata is the session's metadata. Errors use
 * Apideck's {@code {status_code, error, type_name, message, detail, ref}}.
 */
final class ApideckVaultSessions extends Endpoint {
  private static final long serialVersionUID = 1L;
  /** The unified APIs a Vault session may offer. */
  static final Set<String> UNIFIED_APIS = Set.of("accounting", "ats", "calendar", "crm", "csp", "customer-support",
      "ecommerce", "email", "email-marketing", "expense-management", "file-storage", "form", "hris", "lead",
      "payroll", "pos", "procurement", "project-management", "script", "sms", "spreadsheet", "team-messaging",
      "issue-tracking", "time-registration", "transactional-email", "ticketing", "storage");

  private static final Set<String> FIELDS = Set.of("consumer_metadata", "redirect_uri", "settings", "theme",
      "custom_consumer_settings");
  private static final Set<String> METADATA_FIELDS = Set.of("account_name", "user_name", "email", "image");
  private static final Set<String> SETTINGS_FIELDS = Set.of("unified_apis", "session_length", "hide_resource_settings",
      "sandbox_mode", "isolation_mode", "show_logs", "show_suggestions", "show_sidebar", "auto_redirect",
      "hide_guides", "allow_actions");
  private static final Set<String> BOOLEAN_SETTINGS = Set.of("hide_resource_settings", "sandbox_mode",
      "isolation_mode", "show_logs", "show_suggestions", "show_sidebar", "auto_redirect", "hide_guides");
  private static final Set<String> THEME_FIELDS = Set.of("favicon", "logo", "primary_color",
      "sidepanel_background_color", "sidepanel_text_color", "vault_name", "privacy_url", "terms_url");
  private static final int MAX_CONSUMER_ID_LENGTH = 64;

  private final transient Handoff handoff;
  private final transient ApiKeys keys;
  private final transient SampleDirectory directory;

  ApideckVaultSessions(Handoff handoff, ApiKeys keys, SampleDirectory directory, Duration requestTimeout) {
    super(requestTimeout);
    this.handoff = handoff;
    this.keys = keys;
    this.directory = directory;
  }

  /** The {@code vault} intent: what the Vault page offers, and how it looks. */
  static List<IntentType> intentTypes() {
    return List.of(IntentType.builder("vault")
        .optional("settings", Map.class)
        .optional("theme", Map.class)
        .optional("custom_consumer_settings", Map.class)
        .rule(ApideckVaultSessions::knownUnifiedApis, "settings.unified_apis has an unknown unified API; known: "
            + UNIFIED_APIS.stream().sorted().toList())
        .displayName("Connect your integrations").displayName(Locale.GERMAN, "Integrationen verbinden")
        .build());
  }

  private static boolean knownUnifiedApis(Map<String, Object> payload) {
    return !(payload.get("settings") instanceof Map<?, ?> settings)
        || !(settings.get("unified_apis") instanceof List<?> apis)
        || apis.stream().allMatch(UNIFIED_APIS::contains);
  }

  @Override
  protected void serve(Exchange ex) throws IOException {
    if (!ex.segments().equals(List.of("vault", "sessions"))) {
      sendError(ex, 404, "NotFoundError", "Unknown resource", "no such endpoint: " + ex.path());
      return;
    }
    if (!ex.method().equals("POST")) {
      ex.setHeader("Allow", "POST");
      sendError(ex, 405, "MethodNotAllowedError", "Method not allowed", "use POST");
      return;
    }
    Optional<String> app = keys.account(Api.APIDECK, ex.bearerToken());
    if (app.isEmpty()) {
      sendError(ex, 401, "UnauthorizedError", "Unauthorized Request", "Missing or invalid authentication");
      return;
    }
    if (!ex.header("x-apideck-app-id").map(app.get()::equals).orElse(false)) {
      sendError(ex, 401, "UnauthorizedError", "Unauthorized Request",
          "x-apideck-app-id is missing or is not the app of this API key");
      return;
    }
    String consumer = ex.header("x-apideck-consumer-id").orElse("");
    if (!validConsumerId(consumer)) {
      sendError(ex, 400, "RequestHeadersValidationError", "Invalid Params",
          "x-apideck-consumer-id must be 1 to " + MAX_CONSUMER_ID_LENGTH + " printable characters");
      return;
    }
    String tenant = SampleDirectory.apideckTenant(app.get(), consumer);
    try {
      JsonBody body = ex.jsonBody(true).allowOnly(FIELDS);
      Optional<JsonBody> metadata = body.object("consumer_metadata").map(m -> m.allowOnly(METADATA_FIELDS));
      var request = createRequest(tenant, consumer, body, metadata);
      IssuedSession issued = handoff.create(request);
      // Only now, with the session stored, is the consumer's latest metadata worth keeping.
      metadata.ifPresent(m -> directory.recordConsumer(tenant, consumer, m.string("user_name").orElse(null),
          m.string("email").orElse(null)));
      var data = new LinkedHashMap<String, Object>();
      data.put("session_uri", issued.url().orElseThrow());
      data.put("session_token", issued.token().orElseThrow());
      var json = new LinkedHashMap<String, Object>();
      json.put("status_code", 200);
      json.put("status", "OK");
      json.put("data", data);
      ex.sendJson(200, json);
    } catch (RequestRejected e) {
      int status = e.reason() == RequestRejected.Reason.BODY_TOO_LARGE ? 413 : 400;
      sendError(ex, status, status == 413 ? "PayloadTooLargeError" : "RequestValidationError", "Invalid Params",
          e.getMessage());
    } catch (HandoffException e) {
      int status = e.httpStatus();
      sendError(ex, status, typeName(status), e.code() == ErrorCode.UNPROCESSABLE
          ? "Unprocessable Entity" : "Invalid Params", e.getMessage());
    }
  }

  private static CreateSessionRequest createRequest(String tenant, String consumer, JsonBody body,
      Optional<JsonBody> metadata) {
    var request = CreateSessionRequest.builder(tenant).user(consumer);
    var payload = new LinkedHashMap<String, Object>();
    Optional<JsonBody> settings = body.object("settings").map(s -> s.allowOnly(SETTINGS_FIELDS));
    if (settings.isPresent()) {
      JsonBody s = settings.get();
      s.strings("unified_apis");
      s.strings("allow_actions");
      BOOLEAN_SETTINGS.forEach(s::bool);
      // Apideck's default is 1 hour (the engine's default TTL) and its maximum 1 week (the engine's maximum).
      s.string("session_length").ifPresent(request::ttl);
      payload.put("settings", s.toMap());
    }
    Optional<JsonBody> theme = body.object("theme").map(t -> t.allowOnly(THEME_FIELDS));
    if (theme.isPresent()) {
      JsonBody t = theme.get();
      THEME_FIELDS.forEach(t::string);
      payload.put("theme", t.toMap());
      // What the hosted page can show of it: the vault's name, its logo and its primary colour (validated there).
      request.theme(new Theme(t.string("vault_name").orElse(null), t.string("logo").orElse(null),
          t.string("primary_color").orElse(null)));
    }
    body.object("custom_consumer_settings").ifPresent(c -> payload.put("custom_consumer_settings", c.toMap()));
    metadata.ifPresent(m -> {
      METADATA_FIELDS.forEach(m::string);
      request.metadata(m.toMap());
    });
    body.string("redirect_uri").ifPresent(request::callbackUrl);
    return request.intent("vault", payload).build();
  }

  private static boolean validConsumerId(String consumer) {
    return !consumer.isEmpty() && consumer.length() <= MAX_CONSUMER_ID_LENGTH
        && consumer.chars().allMatch(c -> c > ' ' && c < 127);
  }

  private static String typeName(int status) {
    return switch (status) {
      case 400 -> "RequestValidationError";
      case 401 -> "UnauthorizedError";
      case 404 -> "NotFoundError";
      case 408 -> "RequestTimeoutError";
      case 409 -> "ConflictError";
      case 422 -> "UnprocessableEntityError";
      case 429 -> "TooManyRequestsError";
      default -> "ApiError";
    };
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 413 -> "Payload Too Large";
      case 422 -> "Unprocessable Entity";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> "Internal Server Error";
    };
  }

  private static void sendError(Exchange ex, int status, String typeName, String message, String detail)
      throws IOException {
    var json = new LinkedHashMap<String, Object>();
    json.put("status_code", status);
    json.put("error", reason(status));
    json.put("type_name", typeName);
    json.put("message", message);
    json.put("detail", detail);
    json.put("ref", "https://developers.apideck.com/errors#" + typeName.toLowerCase(Locale.ROOT));
    ex.sendJson(status, json);
  }

  @Override
  protected void sendProblem(Exchange ex, int status, String message) throws IOException {
    sendError(ex, status, typeName(status), reason(status), message);
  }
}
