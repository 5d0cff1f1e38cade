package dev.handoff.examples.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The bearer keys the example server accepts: each grants one API's account (a Gigs project, an Apideck app, a
 * workspace). Keys are looked up by their SHA-256, so that no comparison runs over the secret itself.
 */
public final class ApiKeys {
  /** The APIs the server serves. */
  public enum Api {
    GIGS,
    APIDECK,
    CUSTOMER_SESSIONS
  }

  /**
   * One accepted key.
   *
   * @param api the API it is for
   * @param account the Gigs project id, the Apideck app id or the workspace id
   * @param key the secret bearer token
   */
  public record Grant(Api api, String account, String key) {
    public Grant {
      Objects.requireNonNull(api, "api");
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(key, "key");
      if (account.isEmpty() || !account.chars().allMatch(Grant::isIdChar)) {
        throw new IllegalArgumentException("account ids are 1+ characters of [A-Za-z0-9_.-]");
      }
      if (key.length() < 16) {
        throw new IllegalArgumentException("keys must have at least 16 characters");
      }
    }

    private static boolean isIdChar(int c) {
      return c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.');
    }

    @Override
    public String toString() {
      return "Grant[" + api + ", " + account + ", key=<redacted>]";
    }
  }

  private final List<Grant> grants;
  private final Map<String, Grant> byDigest = new HashMap<>();

  /** @throws IllegalArgumentException if two grants share a key */
  public ApiKeys(List<Grant> grants) {
    this.grants = List.copyOf(grants);
    for (Grant grant : this.grants) {
      if (byDigest.put(digest(grant.key()), grant) != null) {
        throw new IllegalArgumentException("two grants share a key");
      }
    }
  }

  /**
   * Development keys, fresh at every start: one Gigs project {@code dev}, the Apideck app of seed 001 and one
   * workspace, matching {@link SampleDirectory}'s sample users.
   */
  public static ApiKeys generateDevKeys() {
    var random = new SecureRandom();
    return new ApiKeys(List.of(
        new Grant(Api.GIGS, SampleDirectory.GIGS_PROJECT, "gigs_dev_" + randomKey(random)),
        new Grant(Api.APIDECK, SampleDirectory.APIDECK_APP, "apideck_dev_" + randomKey(random)),
        new Grant(Api.CUSTOMER_SESSIONS, SampleDirectory.WORKSPACE, "workspace_dev_" + randomKey(random))));
  }

  private static String randomKey(SecureRandom random) {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The account {@code bearerToken} grants in {@code api}, if it is a key of that API. */
  Optional<String> account(Api api, Optional<String> bearerToken) {
    return bearerToken.map(t -> byDigest.get(digest(t))).filter(g -> g.api() == api).map(Grant::account);
  }

  /** Every grant, to print in dev mode. */
  public List<Grant> grants() {
    return grants;
  }

  private static String digest(String key) {
    try {
      var sha = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(sha);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
