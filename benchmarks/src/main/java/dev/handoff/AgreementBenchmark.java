package dev.handoff;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Split deployment: minting with a public key and redeeming with the private key (ECDH-ES+A256KW). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AgreementBenchmark {
  static final Instant NOW = TokenBenchmark.NOW;

  @Param({"P-256", "X25519"})
  public String curve;

  TokenCodec minter;
  TokenCodec redeemer;
  TokenClaims claims;
  String token;

  @Setup
  public void setUp() throws Exception {
    KeyPairGenerator generator;
    if (curve.equals("X25519")) {
      generator = KeyPairGenerator.getInstance("X25519");
    } else {
      generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
    }
    var pair = generator.generateKeyPair();
    byte[] digestSecret = new byte[32];
    var api = KeyRing.builder().digestSecret("d1", digestSecret)
        .agreementKey(new AgreementKey("ec1", pair.getPublic(), null)).build();
    var page = KeyRing.builder().digestSecret("d1", digestSecret)
        .agreementKey(new AgreementKey("ec1", pair.getPublic(), pair.getPrivate())).build();
    minter = new TokenCodec(api, Duration.ofSeconds(30), 4096);
    redeemer = new TokenCodec(page, Duration.ofSeconds(30), 4096);
    claims = new TokenClaims("tenant-acme", "csn_01JD2Q9XG7M3K5N8P0R4T6V8W", 1, NOW, NOW.plusSeconds(3600),
        "q7Yk2mWp9xLs3Rt5Uv8ZbA");
    token = minter.mint(claims);
  }

  @Benchmark
  public String agreementMint() {
    return minter.mint(claims);
  }

  @Benchmark
  public TokenClaims agreementOpen() {
    return redeemer.open(token, NOW);
  }
}
