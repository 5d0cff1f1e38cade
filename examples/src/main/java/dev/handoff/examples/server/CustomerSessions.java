package dev.handoff.examples.server;

import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IntentType;
import dev.handoff.IssuedSession;
import dev.handoff.Session;
import dev.handoff.examples.server.ApiKeys.Api;
import dev.handoff.examples.server.RequestRejected.Reason;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Polar-style Customer Sessions (seed 002): {@code POST /api/customer-sessions/} with the workspace's bearer key.
 * The tenant is {@code workspace:<id>}, the session's user is the customer, the intent is {@code customerPortal}
 * and the callback URL is the {@code return_url}. Validation errors are 422 with
 * {@code {"error": "RequestValidationError", "detail": [{"loc", "msg", "type"}]}}, other errors
 * {@code {"error", "detail"}}.
 */
final class CustomerSessions extends Endpoint {
  private static final long serialVersionUID = 1L;
  private static final Set<String> FIELDS = Set.of("customer_id", "return_url", "member_id", "external_member_id");
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final int MAX_RETURN_URL_LENGTH = 2083;
  private static final int MAX_EXTERNAL_ID_LENGTH = 256;

  private final transient Handoff handoff;
  private final transient ApiKeys keys;
  private final transient SampleDirectory directory;

  CustomerSessions(Handoff handoff, ApiKeys keys, SampleDirectory directory, Duration requestTimeout) {
    super(requestTimeout);
    this.handoff = handoff;
    this.keys = keys;
    this.directory = directory;
  }

  /** The {@code customerPortal} intent: whose portal, and as which member. */
  static List<IntentType> intentTypes() {
    return List.of(IntentType.builder("customerPortal")
        .required("customer_id", String.class)
        .optional("member_id", String.class)
        .optional("external_member_id", String.class)
        .displayName("Open your customer portal").displayName(Locale.GERMAN, "Kundenportal öffnen")
        // The customer is who signs in, so the page shows no ids; a member acting for the customer is worth naming.
        .label("external_member_id", "Member").label(Locale.GERMAN, "external_member_id", "Mitglied")
        .build());
  }

  @Override
  protected void serve(Exchange ex) throws IOException {
    if (!ex.segments().equals(List.of("api", "customer-sessions"))) {
      sendError(ex, 404, "ResourceNotFound", "Not found");
      return;
    }
    if (!ex.method().equals("POST")) {
      ex.setHeader("Allow", "POST");
      sendError(ex, 405, "MethodNotAllowed", "Method Not Allowed");
      return;
    }
    Optional<String> workspace = keys.account(Api.CUSTOMER_SESSIONS, ex.bearerToken());
    if (workspace.isEmpty()) {
      sendError(ex, 401, "Unauthorized", "Missing or invalid workspace access token");
      return;
    }
    String tenant = SampleDirectory.workspaceTenant(workspace.get());
    try {
      JsonBody body = ex.jsonBody(false).allowOnly(FIELDS);
      UUID customerId = uuid(body, "customer_id").orElseThrow(() -> body.missing("customer_id"));
      Customer customer = directory.customer(workspace.get(), customerId)
          .orElseThrow(() -> body.invalid("customer_id", "Customer does not exist."));
      var payload = new LinkedHashMap<String, Object>();
      payload.put("customer_id", customerId.toString());
      uuid(body, "member_id").ifPresent(m -> payload.put("member_id", m.toString()));
      body.string("external_member_id").ifPresent(m -> {
        if (m.isEmpty() || m.length() > MAX_EXTERNAL_ID_LENGTH) {
          throw body.invalid("external_member_id", "must be 1 to " + MAX_EXTERNAL_ID_LENGTH + " characters");
        }
        payload.put("external_member_id", m);
      });
      var request = CreateSessionRequest.builder(tenant).intent("customerPortal", payload)
          .user(customerId.toString());
      Optional<String> returnUrl = body.string("return_url");
      if (returnUrl.isPresent()) {
        String url = returnUrl.get();
        if (url.isEmpty() || url.length() > MAX_RETURN_URL_LENGTH) {
          throw body.invalid("return_url", "must be 1 to " + MAX_RETURN_URL_LENGTH + " characters");
        }
        try {
          request.callbackUrl(url);
        } catch (HandoffException e) {
          throw body.invalid("return_url", "is not an acceptable URL: " + e.getMessage());
        }
      }
      ex.sendJson(201, render(handoff.create(request.build()), customer));
    } catch (RequestRejected e) {
      if (e.reason() == Reason.BODY_TOO_LARGE) {
        sendError(ex, 413, "PayloadTooLarge", e.getMessage());
      } else {
        sendValidationError(ex, e);
      }
    } catch (HandoffException e) {
      // Request validation is 422 in this API, whatever the engine's generic status for it.
      int status = e.code() == ErrorCode.INVALID_REQUEST ? 422 : e.httpStatus();
      sendError(ex, status, e.code().name(), e.getMessage());
    }
  }

  private static Optional<UUID> uuid(JsonBody body, String name) {
    return body.string(name).map(text -> {
      if (!UUID_TEXT.matcher(text).matches()) {
        throw body.invalid(name, "must be a UUID");
      }
      return UUID.fromString(text);
    });
  }

  private static Map<String, Object> render(IssuedSession issued, Customer customer) {
    Session session = issued.session();
    var json = new LinkedHashMap<String, Object>();
    json.put("created_at", timestamp(session.createdAt()));
    json.put("modified_at", timestamp(session.modifiedAt()));
    json.put("id", publicId(session.id()).toString());
    json.put("token", issued.token().orElseThrow());
    json.put("expires_at", timestamp(session.expiresAt()));
    json.put("return_url", session.callbackUrl());
    json.put("customer_portal_url", issued.url().orElseThrow());
    json.put("customer_id", customer.id().toString());
    json.put("customer", render(customer));
    return json;
  }

  private static Map<String, Object> render(Customer customer) {
    var json = new LinkedHashMap<String, Object>();
    json.put("id", customer.id().toString());
    json.put("created_at", timestamp(customer.createdAt()));
    json.put("modified_at", customer.modifiedAt() == null ? null : timestamp(customer.modifiedAt()));
    json.put("metadata", customer.metadata());
    json.put("external_id", customer.externalId());
    json.put("email", customer.email());
    json.put("email_verified", customer.emailVerified());
    json.put("name", customer.name());
    json.put("billing_address", customer.billingAddress());
    json.put("workspace_id", customer.workspaceId());
    json.put("deleted_at", null);
    json.put("avatar_url", customer.avatarUrl());
    json.put("type", customer.type());
    return json;
  }

  private static String timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * The API's {@code id} is a UUID, but engine ids are {@code <prefix><time><random>} and the engine has no hook for
   * another format: so the id shown is a UUIDv4-shaped digest of the engine id (stable, not reversible; this API
   * has no endpoint that takes it back).
   */
  static UUID publicId(String sessionId) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.UTF_8));
      hash[6] = (byte) ((hash[6] & 0x0f) | 0x40);
      hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
      var buffer = ByteBuffer.wrap(hash);
      return new UUID(buffer.getLong(), buffer.getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static void sendValidationError(Exchange ex, RequestRejected e) throws IOException {
    var loc = new ArrayList<String>();
    loc.add("body");
    loc.addAll(e.location());
    String type = switch (e.reason()) {
      case MALFORMED_BODY -> "json_invalid";
      case MISSING -> "missing";
      case WRONG_TYPE -> "string_type";
      case UNKNOWN_FIELD -> "extra_forbidden";
      default -> "value_error";
    };
    var detail = new LinkedHashMap<String, Object>();
    detail.put("loc", loc);
    detail.put("msg", e.getMessage());
    detail.put("type", type);
    var json = new LinkedHashMap<String, Object>();
    json.put("error", "RequestValidationError");
    json.put("detail", List.of(detail));
    ex.sendJson(422, json);
  }

  private static void sendError(Exchange ex, int status, String error, String detail) throws IOException {
    var json = new LinkedHashMap<String, Object>();
    json.put("error", error);
    json.put("detail", detail);
    ex.sendJson(status, json);
  }

  @Override
  protected void sendProblem(Exchange ex, int status, String message) throws IOException {
    sendError(ex, status, status == 408 ? "RequestTimeout" : "InternalServerError", message);
  }
}
