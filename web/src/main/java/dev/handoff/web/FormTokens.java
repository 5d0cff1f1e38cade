package dev.handoff.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The CSRF token of a browser session: only a page served to the browser that holds the (HttpOnly) browser secret
 * can know it, and every node computes the same one.
 */
final class FormTokens {

  String of(String browserSecret) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      digest.update("handoff-form-token:".getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(digest.digest(browserSecret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
