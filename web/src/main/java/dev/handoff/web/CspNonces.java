package dev.handoff.web;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The Content-Security-Policy nonces of one flow: 128 bits each, base64url, from a DRBG (NIST SP 800-90A, seeded by
 * the platform) of the calling thread's own. The platform default {@code SecureRandom} (NativePRNG) serialises every
 * request on one lock and reads {@code /dev/urandom} every other nonce; it took 3.5% of the container's CPU time in
 * HostedFlowBenchmark. Nonces must be unpredictable, not secret, so each thread draws them in bulk (one DRBG call
 * per 64 nonces), as the engine draws token IVs. Thread-safe: each thread uses its own generator and pool.
 */
final class CspNonces {
  private static final int BYTES = 16;
  private static final int POOLED = 64;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final ThreadLocal<Pool> pools = ThreadLocal.withInitial(Pool::new);

  /** A fresh nonce. */
  String next() {
    return pools.get().next();
  }

  /** One thread's generator and its unused random bytes. */
  private static final class Pool {
    private final SecureRandom random;
    private final byte[] bytes = new byte[BYTES * POOLED];
    private final byte[] nonce = new byte[BYTES];
    private int next = bytes.length;

    Pool() {
      try {
        random = SecureRandom.getInstance("DRBG");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("DRBG is required by every Java 17 platform", e);
      }
    }

    String next() {
      if (next == bytes.length) {
        random.nextBytes(bytes);
        next = 0;
      }
      System.arraycopy(bytes, next, nonce, 0, BYTES);
      next += BYTES;
      return BASE64URL.encodeToString(nonce);
    }
  }
}
