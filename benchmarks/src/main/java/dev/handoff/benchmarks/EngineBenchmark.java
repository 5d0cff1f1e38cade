package dev.handoff.benchmarks;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.handoff.BrowserSession;
import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IntentRegistry;
import dev.handoff.IntentType;
import dev.handoff.KeyRing;
import dev.handoff.Redemption;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import dev.handoff.spi.UserDirectory;
import dev.handoff.storage.memory.CaffeineSessionStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 * The whole loop an embedding server pays for, create + redeem on the in-memory store, next to its baseline: plain
 * nimbus minting of the same claims (a new {@link EncryptedJWT} and {@link DirectEncrypter} per token).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineBenchmark {
  private static final String USER_ID = "usr_0U2ViuFW0Z7P8Y2S1L76mfADMT6m";

  private Handoff engine;
  private CaffeineSessionStore store;
  private CreateSessionRequest request;
  private SecretKeySpec nimbusKey;
  private String browserSecret;
  private String sessionId;

  /** A fresh engine and store per iteration: sessions pile up while it runs, never beyond one iteration's worth. */
  @Setup(Level.Iteration)
  public void setUp() {
    var user = new User(USER_ID, "ada@example.com", null);
    store = CaffeineSessionStore.builder().maximumSize(10_000_000).build();
    engine = Handoff.builder()
        .store(store)
        .userDirectory(new OneUser(user))
        .keys(KeyRing.fromMasterSecret("bench", new byte[KeyRing.MASTER_SECRET_BYTES]))
        .hostedPageUrl("https://connect.example.com/checkout/entry")
        .idPrefix("csn_")
        .intents(IntentRegistry.of(IntentType.builder("checkoutNewSubscription").required("plan", String.class)
            .build()))
        .build();
    request = CreateSessionRequest.builder("project-1")
        .intent("checkoutNewSubscription", Map.of("plan", "pln_0U32ZjA60Z7P8Y5vLtmvXaIMEiPr"))
        .user(USER_ID)
        .build();
    var redemption = engine.redeem(engine.create(request).token().orElseThrow());
    browserSecret = redemption.browserSecret();
    sessionId = redemption.session().id();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    nimbusKey = new SecretKeySpec(key, "AES");
  }

  /** Handoff: create a session (mint its URL) and redeem the URL, on the in-memory store. */
  @Benchmark
  public Redemption createAndRedeem() {
    return engine.redeem(engine.create(request).token().orElseThrow());
  }

  /** Handoff: create a session and mint its URL only. */
  @Benchmark
  public String create() {
    return engine.create(request).url().orElseThrow();
  }

  /** Handoff: a hosted page's later request, authenticated by its browser-session secret. */
  @Benchmark
  public BrowserSession authenticate() {
    return engine.authenticate(browserSecret);
  }

  /** Baseline of {@link #authenticate}: the one store lookup it cannot avoid. */
  @Benchmark
  public Optional<StoredSession> storeLookup() {
    return store.find("project-1", sessionId);
  }

  /** Baseline: the same claims minted the plain nimbus way, with no storage at all. */
  @Benchmark
  public String plainNimbusMint() throws JOSEException {
    Instant now = Instant.now();
    var claims = new JWTClaimsSet.Builder()
        .claim("tid", "project-1")
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

  private record OneUser(User user) implements UserDirectory {
    @Override
    public Optional<User> findById(String tenant, String userId) {
      return Optional.of(user).filter(u -> u.id().equals(userId));
    }

    @Override
    public Optional<User> findByEmail(String tenant, String email) {
      return Optional.of(user).filter(u -> u.email().equalsIgnoreCase(email));
    }

    @Override
    public User create(String tenant, UserDetails details) {
      throw new UnsupportedOperationException("the benchmark's sessions are for an existing user");
    }
  }
}
