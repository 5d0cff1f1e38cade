package dev.handoff.spring;

import dev.handoff.KeyRing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;

/** Builds the {@link KeyRing} from {@code handoff.keys.*}, or generates one in a development profile. */
final class KeyRingFromProperties {
  private KeyRingFromProperties() {}

  static KeyRing build(HandoffProperties properties, Environment environment) {
    HandoffProperties.Keys keys = properties.getKeys();
    if (keys.isEmpty()) {
      return generatedInDevelopment(properties, environment);
    }
    KeyRing.Builder ring = KeyRing.builder();
    for (Map.Entry<String, String> e : keys.getMasterSecrets().entrySet()) {
      if (isBlank(e.getValue())) {
        continue;
      }
      String property = "handoff.keys.master-secrets." + e.getKey();
      byte[] secret = decode(property, e.getValue());
      try {
        apply(property, () -> ring.masterSecret(e.getKey(), secret));
      } finally {
        Arrays.fill(secret, (byte) 0);
      }
    }
    for (Map.Entry<String, String> e : keys.getDigestSecrets().entrySet()) {
      if (isBlank(e.getValue())) {
        continue;
      }
      String property = "handoff.keys.digest-secrets." + e.getKey();
      byte[] secret = decode(property, e.getValue());
      try {
        apply(property, () -> ring.digestSecret(e.getKey(), secret));
      } finally {
        Arrays.fill(secret, (byte) 0);
      }
    }
    if (keys.getJwkSet() != null) {
      String json = read("handoff.keys.jwk-set", keys.getJwkSet());
      apply("handoff.keys.jwk-set", () -> ring.jwkSet(json));
    }
    for (Map.Entry<String, Resource> e : keys.getPem().entrySet()) {
      String property = "handoff.keys.pem." + e.getKey();
      String pem = read(property, e.getValue());
      apply(property, () -> ring.pem(e.getKey(), pem));
    }
    if (keys.getActiveKid() != null) {
      ring.activeKid(keys.getActiveKid());
    }
    try {
      return ring.build();
    } catch (IllegalArgumentException e) {
      throw new HandoffConfigurationException("The Handoff key ring (handoff.keys.*) is invalid: " + e.getMessage()
          + ".", "Fix handoff.keys.active-kid or add a key that can mint (a master secret or an agreement key).", e);
    }
  }

  private static KeyRing generatedInDevelopment(HandoffProperties properties, Environment environment) {
    if (properties.inDevelopment(environment)) {
      return KeyRing.generate(); // the engine logs that tokens will not survive a restart
    }
    throw new HandoffConfigurationException("No Handoff key is configured (handoff.keys.*), and no active profile is "
        + "one of " + properties.getDevelopmentProfiles() + " (handoff.development-profiles), where one would be generated.",
        "Set handoff.keys.master-secrets.<kid> to 32 random bytes in Base64 (e.g. the output of "
            + "'openssl rand -base64 32'), or handoff.keys.jwk-set or handoff.keys.pem.<kid> to a key file, or define "
            + "a KeyRing bean.");
  }

  static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static byte[] decode(String property, String value) {
    String trimmed = value.trim();
    try {
      return trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(trimmed) : Base64.getDecoder().decode(trimmed);
    } catch (IllegalArgumentException e) {
      // The message of the decoder quotes no input, but say nothing of the value anyway.
      throw new HandoffConfigurationException(property + " is not valid Base64.",
          "Set it to 32 random bytes in Base64, e.g. the output of 'openssl rand -base64 32'.");
    }
  }

  private static String read(String property, Resource resource) {
    try {
      return resource.getContentAsString(StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      throw new HandoffConfigurationException(property + " cannot be read from " + resource.getDescription() + ".",
          "Point it to a readable file, e.g. file:/etc/handoff/keys.json or classpath:keys.json.", e);
    }
  }

  private static void apply(String property, Runnable step) {
    try {
      step.run();
    } catch (IllegalArgumentException e) {
      throw new HandoffConfigurationException(property + " is invalid: " + e.getMessage() + ".",
          "Fix the key it names; Handoff's docs/token-format.md describes the accepted keys.", e);
    }
  }
}
