package dev.handoff.examples.server;

import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IntentType;
import dev.handoff.IssuedSession;
import dev.handoff.Session;
import dev.handoff.UpdateSessionRequest;
import dev.handoff.examples.server.ApiKeys.Api;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Subject;
import dev.handoff.spi.UserDetails;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Gigs Connect Sessions (seed 000): {@code POST /projects/{project}/connectSessions} and {@code GET} and
 * {@code PATCH /projects/{project}/connectSessions/{id}}, authenticated by the project's bearer key. The tenant is
 * {@code gigs:<project>}; errors are Gigs-style {@code {"object": "error", "type", "message", "details"}}.
 */
final class GigsConnectSessions extends Endpoint {
  private static final long serialVersionUID = 1L;
  private static final Set<String> CREATE_FIELDS = Set.of("callbackUrl", "intent", "user", "userDetails");
  private static final Set<String> UPDATE_FIELDS = Set.of("callbackUrl", "intent", "user", "userDetails");
  private static final Set<String> USER_DETAILS_FIELDS = Set.of("email", "fullName", "birthday", "preferredLocale");

  private final transient Handoff handoff;
  private final transient ApiKeys keys;

  GigsConnectSessions(Handoff handoff, ApiKeys keys, Duration requestTimeout) {
    super(requestTimeout);
    this.handoff = handoff;
    this.keys = keys;
  }

  /**
   * Gigs' intent types, each with the fields of its payload (unknown fields are refused), and what the hosted page
   * calls it and its fields, in English and German.
   */
  static List<IntentType> intentTypes() {
    return List.of(
        IntentType.builder("checkoutNewSubscription").required("plan", String.class).optional("addons", List.class)
            .optional("allowPlanChange", Boolean.class)
            .rule(p -> stringList(p.get("addons")), "addons must be a list of addon ids")
            .displayName("Subscribe to a new plan").displayName(Locale.GERMAN, "Neuen Tarif abonnieren")
            .label("plan", "Plan").label(Locale.GERMAN, "plan", "Tarif")
            .label("addons", "Add-ons").label(Locale.GERMAN, "addons", "Zusatzoptionen")
            // An expired or used checkout link leads back into the checkout after a code by email, twice at most.
            .recovery(2).build(),
        IntentType.builder("checkoutAddon").required("subscription", String.class).required("addons", List.class)
            .rule(p -> stringList(p.get("addons")) && !((List<?>) p.get("addons")).isEmpty(),
                "addons must be a non-empty list of addon ids")
            .displayName("Add to your subscription").displayName(Locale.GERMAN, "Zu Ihrem Abo hinzubuchen")
            .label("subscription", "Subscription").label(Locale.GERMAN, "subscription", "Abo")
            .label("addons", "Add-ons").label(Locale.GERMAN, "addons", "Zusatzoptionen").build(),
        IntentType.builder("changeSubscription").required("subscription", String.class)
            .optional("plan", String.class)
            .displayName("Change your subscription").displayName(Locale.GERMAN, "Abo ändern")
            .label("subscription", "Subscription").label(Locale.GERMAN, "subscription", "Abo")
            .label("plan", "New plan").label(Locale.GERMAN, "plan", "Neuer Tarif").build(),
        subscriptionIntent("cancelSubscription", "Cancel your subscription", "Abo kündigen"),
        subscriptionIntent("resumeSubscription", "Resume your subscription", "Abo fortsetzen"),
        subscriptionIntent("completePorting", "Complete moving your number", "Rufnummernmitnahme abschließen"),
        subscriptionIntent("confirmPayment", "Confirm your payment", "Zahlung bestätigen"),
        subscriptionIntent("viewSubscription", "Your subscription", "Ihr Abo"),
        subscriptionIntent("viewEsimInstallation", "Install your eSIM", "eSIM installieren"));
  }

  private static IntentType subscriptionIntent(String name, String english, String german) {
    return IntentType.builder(name).required("subscription", String.class).displayName(english)
        .displayName(Locale.GERMAN, german).label("subscription", "Subscription")
        .label(Locale.GERMAN, "subscription", "Abo").build();
  }

  private static boolean stringList(Object value) {
    return value == null || value instanceof List<?> l && l.stream().allMatch(i -> i instanceof String s && !s.isBlank());
  }

  @Override
  protected void serve(Exchange ex) throws IOException {
    List<String> path = ex.segments();
    boolean collection = path.size() == 3;
    if (path.size() < 3 || path.size() > 4 || !path.get(0).equals("projects")
        || !path.get(2).equals("connectSessions")) {
      sendError(ex, 404, "notFound", "no such endpoint", List.of());
      return;
    }
    String project = path.get(1);
    if (!keys.account(Api.GIGS, ex.bearerToken()).map(project::equals).orElse(false)) {
      sendError(ex, 401, "unauthorized", "missing or invalid API key for this project", List.of());
      return;
    }
    String tenant = SampleDirectory.gigsTenant(project);
    try {
      String method = ex.method();
      if (collection && method.equals("POST")) {
        ex.sendJson(201, render(handoff.create(createRequest(tenant, ex.jsonBody(false)))));
      } else if (!collection && method.equals("GET")) {
        ex.sendJson(200, render(handoff.get(tenant, path.get(3)), null));
      } else if (!collection && method.equals("PATCH")) {
        ex.sendJson(200, render(handoff.update(tenant, path.get(3), updateRequest(ex.jsonBody(false)))));
      } else {
        ex.setHeader("Allow", collection ? "POST" : "GET, PATCH");
        sendError(ex, 405, "methodNotAllowed", "method " + method + " is not allowed here", List.of());
      }
    } catch (RequestRejected e) {
      int status = switch (e.reason()) {
        case BODY_TOO_LARGE -> 413;
        case MALFORMED_BODY -> 400;
        default -> 422;
      };
      sendError(ex, status, status == 422 ? "validationFailed" : typeOf(status), e.getMessage(),
          e.location().isEmpty() ? List.of() : List.of(Map.of("field", e.field(), "message", e.getMessage())));
    } catch (HandoffException e) {
      sendError(ex, e.httpStatus(), typeOf(e.httpStatus()), e.getMessage(), List.of());
    }
  }

  private static CreateSessionRequest createRequest(String tenant, JsonBody body) {
    body.allowOnly(CREATE_FIELDS);
    JsonBody intent = body.requiredObject("intent");
    var request = CreateSessionRequest.builder(tenant).intent(intent.requiredString("type"), payload(intent));
    body.string("callbackUrl").ifPresent(request::callbackUrl);
    if (body.has("user") && body.has("userDetails")) {
      throw body.invalid("userDetails", "cannot be given together with user");
    }
    body.string("user").ifPresent(request::user);
    if (body.has("userDetails")) {
      UserDetails details = userDetails(body);
      request.userDetails(details);
      // The hosted page speaks the user's language when the request names it.
      if (details.attributes().get("preferredLocale") instanceof String locale) {
        request.locale(locale);
      }
    }
    return request.build();
  }

  /** The payload sits under the type's own name: {@code {"type": "x", "x": {...}}}; nothing else may be there. */
  private static Map<String, Object> payload(JsonBody intent) {
    String type = intent.requiredString("type");
    intent.allowOnly(new HashSet<>(List.of("type", type)));
    return intent.object(type).map(JsonBody::toMap).orElse(Map.of());
  }

  private static UpdateSessionRequest updateRequest(JsonBody body) {
    body.allowOnly(UPDATE_FIELDS);
    if (body.has("user") && body.has("userDetails")) {
      throw body.invalid("userDetails", "cannot be given together with user");
    }
    var request = UpdateSessionRequest.builder();
    if (body.has("intent")) {
      JsonBody intent = body.requiredObject("intent");
      request.intent(intent.requiredString("type"), payload(intent));
    }
    body.string("callbackUrl").ifPresent(request::callbackUrl);
    body.string("user").ifPresent(request::user);
    if (body.has("userDetails")) {
      request.userDetails(userDetails(body));
    }
    return request.build();
  }

  private static UserDetails userDetails(JsonBody body) {
    JsonBody details = body.requiredObject("userDetails").allowOnly(USER_DETAILS_FIELDS);
    String email = details.requiredString("email");
    String fullName = details.string("fullName").orElse(null);
    var attributes = new LinkedHashMap<String, Object>();
    details.string("birthday").ifPresent(b -> attributes.put("birthday", b));
    details.string("preferredLocale").ifPresent(l -> attributes.put("preferredLocale", l));
    try {
      return new UserDetails(email, fullName, attributes);
    } catch (IllegalArgumentException e) {
      throw details.invalid("email", "is not a valid email address");
    }
  }

  private static Map<String, Object> render(IssuedSession issued) {
    return render(issued.session(), issued.url().orElse(null));
  }

  /** The {@code connectSession} object; {@code url} is null except right after it was minted. */
  private static Map<String, Object> render(Session session, String url) {
    var intent = new LinkedHashMap<String, Object>();
    intent.put("type", session.intent().type());
    intent.put(session.intent().type(), session.intent().payload());
    var json = new LinkedHashMap<String, Object>();
    json.put("object", "connectSession");
    json.put("id", session.id());
    json.put("callbackUrl", session.callbackUrl());
    json.put("intent", intent);
    json.put("url", url);
    json.put("user", session.userId().orElse(null));
    json.put("userDetails", session.subject() instanceof Subject.NewUser n ? render(n.details()) : null);
    return json;
  }

  private static Map<String, Object> render(UserDetails details) {
    var json = new LinkedHashMap<String, Object>();
    json.put("email", details.email());
    json.put("fullName", details.name());
    json.putAll(details.attributes());
    return json;
  }

  private static String typeOf(int status) {
    return switch (status) {
      case 400 -> "invalidRequest";
      case 401 -> "unauthorized";
      case 404 -> "notFound";
      case 408 -> "requestTimeout";
      case 409 -> "conflict";
      case 410 -> "expired";
      case 413 -> "payloadTooLarge";
      case 422 -> "validationFailed";
      case 429 -> "tooManyRequests";
      case 503 -> "serviceUnavailable";
      default -> "internalError";
    };
  }

  private static void sendError(Exchange ex, int status, String type, String message, List<?> details)
      throws IOException {
    var json = new LinkedHashMap<String, Object>();
    json.put("object", "error");
    json.put("type", type);
    json.put("message", message);
    json.put("details", details);
    ex.sendJson(status, json);
  }

  @Override
  protected void sendProblem(Exchange ex, int status, String message) throws IOException {
    sendError(ex, status, typeOf(status), message, List.of());
  }
}
