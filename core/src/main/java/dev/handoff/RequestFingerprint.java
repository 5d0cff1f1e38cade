package dev.handoff;

import dev.handoff.spi.Json;
import dev.handoff.spi.Subject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A digest of everything a create request asks for, so that a retry under the same idempotency key can be told
 * from a different request. Map keys are sorted first: two equal requests fingerprint alike whatever the
 * iteration order of the maps they were built from.
 */
final class RequestFingerprint {
  private RequestFingerprint() {}

  static String of(CreateSessionRequest request, Duration ttl, boolean singleUse) {
    var fields = new LinkedHashMap<String, Object>();
    fields.put("intentType", request.intent.type());
    fields.put("intentPayload", request.intent.payload());
    fields.put("subject", subject(request.subject));
    fields.put("callbackUrl", request.callbackUrl);
    fields.put("metadata", request.metadata);
    fields.put("ttlSeconds", ttl.getSeconds());
    fields.put("singleUse", singleUse);
    // The second clock only when asked for: fingerprints of requests without it stay what they were before it.
    if (request.idleTimeout != null) {
      fields.put("idleTimeoutSeconds", request.idleTimeout.getSeconds());
    }
    if (request.activeLifetime != null) {
      fields.put("activeLifetimeSeconds", request.activeLifetime.getSeconds());
    }
    fields.put("presentation", SessionPresentation.with(Map.of(), request.theme, request.locale));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(Json.write(canonical(fields)).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static Object subject(Subject subject) {
    if (subject instanceof Subject.ExistingUser u) {
      return Map.of("user", u.userId());
    }
    if (subject instanceof Subject.NewUser n) {
      var details = new LinkedHashMap<String, Object>();
      details.put("email", n.details().email());
      details.put("name", n.details().name());
      details.put("attributes", n.details().attributes());
      return Map.of("userDetails", details);
    }
    return null;
  }

  private static Object canonical(Object value) {
    if (value instanceof Map<?, ?> map) {
      var sorted = new TreeMap<String, Object>();
      map.forEach((k, v) -> sorted.put((String) k, canonical(v)));
      return sorted;
    }
    if (value instanceof List<?> list) {
      var copy = new ArrayList<Object>(list.size());
      list.forEach(item -> copy.add(canonical(item)));
      return copy;
    }
    return value;
  }
}
