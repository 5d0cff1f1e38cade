package dev.handoff.examples.spring;

import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IssuedSession;
import dev.handoff.Session;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.UserDetails;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Gigs-style Connect Sessions: {@code POST /projects/{project}/connectSessions} creates one and answers with its
 * {@code url}, {@code GET .../{id}} reads it. The project is the tenant. A {@link HandoffException} becomes an RFC
 * 9457 problem through the starter. A real API authenticates the caller first (e.g. with Spring Security); this
 * example leaves that out.
 */
@RestController
@RequestMapping("/projects/{project}/connectSessions")
class ConnectSessionsController {
  private final Handoff handoff;

  ConnectSessionsController(Handoff handoff) {
    this.handoff = handoff;
  }

  /**
   * The request body: {@code intent} is {@code {"type": T, T: {...payload}}}; {@code user} names an existing user,
   * {@code userDetails} ({@code email}, {@code fullName}) one created on first access.
   */
  record CreateConnectSession(String callbackUrl, Map<String, Object> intent, String user,
      Map<String, String> userDetails) {}

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, Object> create(@PathVariable String project, @RequestBody CreateConnectSession body) {
    if (body.intent() == null || !(body.intent().get("type") instanceof String type)
        || !(body.intent().get(type) instanceof Map<?, ?> payload)) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST,
          "intent must be {\"type\": T, T: {...}} with the payload under the type's name");
    }
    CreateSessionRequest.Builder request = CreateSessionRequest.builder(project)
        .intent(type, stringKeys(payload));
    if (body.callbackUrl() != null) {
      request.callbackUrl(body.callbackUrl());
    }
    if (body.user() != null) {
      request.user(body.user());
    }
    if (body.userDetails() != null) {
      request.userDetails(new UserDetails(body.userDetails().get("email"), body.userDetails().get("fullName"),
          Map.of()));
    }
    IssuedSession issued = handoff.create(request.build());
    Map<String, Object> view = view(issued.session());
    view.put("url", issued.url().orElseThrow());
    return view;
  }

  @GetMapping("/{id}")
  Map<String, Object> get(@PathVariable String project, @PathVariable String id) {
    Map<String, Object> view = view(handoff.get(project, id));
    view.put("url", null); // a URL holds a token: it is shown once, at creation
    return view;
  }

  private static Map<String, Object> view(Session session) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("object", "connectSession");
    view.put("id", session.id());
    view.put("callbackUrl", session.callbackUrl());
    Map<String, Object> intent = new LinkedHashMap<>();
    intent.put("type", session.intent().type());
    intent.put(session.intent().type(), session.intent().payload());
    view.put("intent", intent);
    view.put("user", session.userId().orElse(null));
    view.put("status", session.status().name().toLowerCase(java.util.Locale.ROOT));
    view.put("createdAt", session.createdAt().toString());
    view.put("expiresAt", session.expiresAt().toString());
    return view;
  }

  private static Map<String, Object> stringKeys(Map<?, ?> payload) {
    Map<String, Object> copy = new LinkedHashMap<>();
    payload.forEach((k, v) -> copy.put(String.valueOf(k), v));
    return copy;
  }
}
