package dev.handoff.benchmarks;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.handoff.BrowserSession;
import dev.handoff.Handoff;
import dev.handoff.Redemption;
import dev.handoff.spi.StoredSession;
import dev.handoff.storage.memory.CaffeineSessionStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The engine paths an embedding server pays for, on the in-memory store, each next to its floor or peer measured
 * in the same run: create + redeem next to plain nimbus minting of the same claims (a new {@link EncryptedJWT}
 * and {@link DirectEncrypter} per token, no storage at all), and {@code authenticate} (every later page load of
 * the hosted flow) next to what it cannot avoid: one store lookup and one HMAC of the presented secret.
 *
 * <p>A fresh engine and store per iteration keep the heap bounded; within an iteration the store grows by every
 * session created, as a real in-memory deployment does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineBenchmark {
  private Handoff engine;
  private CaffeineSessionStore store;
  private SecretKeySpec nimbusKey;
  private String browserSecret;
  private String sessionId;
  private char[] sessionIdChars;
  private byte[] storedSecretMac;
  private SecretKeySpec floorMacKey;

  /** A fresh engine and store per iteration: sessions pile up while it runs, never beyond one iteration's worth. */
  @Setup(Level.Iteration)
  public void setUp() throws GeneralSecurityException {
    store = CaffeineSessionStore.builder().maximumSize(10_000_000).build();
    engine = GigsSession.engine(store);
    var redemption = engine.redeem(engine.create(GigsSession.request()).token().orElseThrow());
    browserSecret = redemption.browserSecret();
    sessionId = redemption.session().id();
    sessionIdChars = sessionId.toCharArray();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    nimbusKey = new SecretKeySpec(key, "AES");
    floorMacKey = new SecretKeySpec(key, "HmacSHA256");
    storedSecretMac = FloorMac.mac(floorMacKey, browserSecret);
  }

  /** One unredeemed URL token per invocation, for {@link #redeem}. */
  @State(Scope.Thread)
  public static class FreshToken {
    String token;

    @Setup(Level.Invocation)
    public void create(EngineBenchmark bench) {
      token = bench.engine.create(GigsSession.request()).token().orElseThrow();
    }
  }

  /** Handoff: create a session (mint its URL) and redeem the URL, on the in-memory store. */
  @Benchmark
  public Redemption createAndRedeem() {
    return engine.redeem(engine.create(GigsSession.request()).token().orElseThrow());
  }

  /** Handoff: create a session and mint its URL. */
  @Benchmark
  public String create() {
    return engine.create(GigsSession.request()).url().orElseThrow();
  }

  /** Handoff: redeem a fresh URL (decrypt, checks, consume, browser secret); the create is outside the timing. */
  @Benchmark
  public Redemption redeem(FreshToken fresh) {
    return engine.redeem(fresh.token);
  }

  /** Handoff: a hosted page's later request, authenticated by its browser-session secret. */
  @Benchmark
  public BrowserSession authenticate() {
    return engine.authenticate(browserSecret);
  }

  /**
   * Floor of {@link #authenticate}: one store lookup and one HMAC-SHA256 of the secret compared in constant time,
   * which the rule "store only a keyed digest" requires. The session id is looked up as a request brings it: a new
   * string, not the instance the store holds, so that the lookup hashes and compares it as it must for any request
   * (with the stored instance, whose hash is cached, the store compares references only). The HMAC is keyed once
   * per thread and key, as the engine's is.
   */
  @Benchmark
  public boolean authenticateFloor() {
    Optional<StoredSession> found = store.find(GigsSession.TENANT, new String(sessionIdChars));
    return found.isPresent() && MessageDigest.isEqual(FloorMac.mac(floorMacKey, browserSecret), storedSecretMac);
  }

  /** One store lookup alone, for context. */
  @Benchmark
  public Optional<StoredSession> storeLookup() {
    return store.find(GigsSession.TENANT, sessionId);
  }

  /** Baseline: the same claims minted the plain nimbus way, with no storage at all. */
  @Benchmark
  public String plainNimbusMint() throws JOSEException {
    Instant now = Instant.now();
    var claims = new JWTClaimsSet.Builder()
        .claim("tid", GigsSession.TENANT)
        .claim("sid", "csn_" + UUID.randomUUID())
        .claim("gen", 1L)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(3600)))
        .jwtID(UUID.randomUUID().toString())
        .build();
    var jwt = new EncryptedJWT(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).keyID("k1")
        .build(), claims);
    jwt.encrypt(new DirectEncrypter(nimbusKey));
    return jwt.serialize();
  }

  /** A keyed HMAC-SHA256 per thread, as the engine keeps one: initialised when the key changes, not per call. */
  static final class FloorMac {
    private static final ThreadLocal<FloorMac> MACS = ThreadLocal.withInitial(FloorMac::new);

    private final Mac mac;
    private SecretKeySpec key;

    private FloorMac() {
      try {
        mac = Mac.getInstance("HmacSHA256");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    static byte[] mac(SecretKeySpec key, String secret) {
      FloorMac keyed = MACS.get();
      if (keyed.key != key) {
        try {
          keyed.mac.init(key);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException(e);
        }
        keyed.key = key;
      }
      return keyed.mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
    }
  }
}
