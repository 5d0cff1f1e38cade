package dev.handoff;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The mint and redemption paths of a {@code dir} token, each next to its baselines: the plain nimbus way, nimbus
 * with a reused encrypter, and the floor (one AES-GCM encryption of the same claim bytes plus base64url).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenBenchmark {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  TokenCodec codec;
  TokenClaims claims;
  String handoffToken;
  String nimbusToken;
  SecretKey subKey;
  String subKid;
  DirectEncrypter reusedEncrypter;
  byte[] claimBytes;
  byte[] headerBytes;

  @Setup
  public void setUp() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    var ring = KeyRing.fromMasterSecret("bench", secret);
    codec = new TokenCodec(ring, Duration.ofSeconds(30), 4096);
    claims = new TokenClaims("tenant-acme", "csn_01JD2Q9XG7M3K5N8P0R4T6V8W", 1, NOW, NOW.plusSeconds(3600),
        "q7Yk2mWp9xLs3Rt5Uv8ZbA");
    handoffToken = codec.mint(claims);
    String header = new String(Base64.getUrlDecoder().decode(handoffToken.substring(0, handoffToken.indexOf('.'))),
        StandardCharsets.US_ASCII);
    subKid = header.replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1");
    subKey = SubKey.derive(ring.secret("bench"), subKid).key();
    reusedEncrypter = new DirectEncrypter(subKey);
    nimbusToken = nimbusPlainMint();
    byte[] buf = new byte[512];
    claimBytes = java.util.Arrays.copyOf(buf, ClaimsJson.write(claims, buf));
    headerBytes = handoffToken.substring(0, handoffToken.indexOf('.')).getBytes(StandardCharsets.US_ASCII);
  }

  /** (a) Handoff's mint: claims to compact JWE. */
  @Benchmark
  public String handoffMint() {
    return codec.mint(claims);
  }

  /** (b) The plain nimbus way: header, claims set, JWT and encrypter built per call. */
  @Benchmark
  public String nimbusPlainMint() throws Exception {
    var header = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
        .keyID(subKid).type(new JOSEObjectType("handoff+jwt")).build();
    var body = new JWTClaimsSet.Builder()
        .claim("tid", claims.tenant()).claim("sid", claims.sessionId()).claim("gen", claims.generation())
        .issueTime(Date.from(claims.issuedAt())).expirationTime(Date.from(claims.expiresAt()))
        .jwtID(claims.nonce()).build();
    var jwt = new EncryptedJWT(header, body);
    jwt.encrypt(new DirectEncrypter(subKey));
    return jwt.serialize();
  }

  /** (c) nimbus with one encrypter reused across calls. */
  @Benchmark
  public String nimbusReusedEncrypterMint() throws Exception {
    var header = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
        .keyID(subKid).type(new JOSEObjectType("handoff+jwt")).build();
    var body = new JWTClaimsSet.Builder()
        .claim("tid", claims.tenant()).claim("sid", claims.sessionId()).claim("gen", claims.generation())
        .issueTime(Date.from(claims.issuedAt())).expirationTime(Date.from(claims.expiresAt()))
        .jwtID(claims.nonce()).build();
    var jwt = new EncryptedJWT(header, body);
    jwt.encrypt(reusedEncrypter);
    return jwt.serialize();
  }

  /** Per-thread state of the floor: a cached cipher and a random generator. */
  @State(Scope.Thread)
  public static class Floor {
    Cipher cipher;
    SecureRandom random;
    final byte[] iv = new byte[12];
    final Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();

    @Setup
    public void setUp() throws Exception {
      cipher = Cipher.getInstance("AES/GCM/NoPadding");
      random = SecureRandom.getInstance("DRBG");
    }
  }

  /** (d) The floor: one AES-GCM encryption of the same claim bytes with a cached cipher, plus base64url. */
  @Benchmark
  public String floorAesGcm(Floor f) throws Exception {
    f.random.nextBytes(f.iv);
    f.cipher.init(Cipher.ENCRYPT_MODE, subKey, new GCMParameterSpec(128, f.iv));
    f.cipher.updateAAD(headerBytes);
    byte[] sealed = f.cipher.doFinal(claimBytes);
    return f.base64.encodeToString(sealed);
  }

  /** (e) Handoff's redemption without storage: checks, decryption, claims. */
  @Benchmark
  public TokenClaims handoffOpen() {
    return codec.open(handoffToken, NOW);
  }

  /** The baseline of (e): nimbus parse, decrypt and claims, with a new decrypter per call. */
  @Benchmark
  public JWTClaimsSet nimbusOpen() throws Exception {
    var jwt = EncryptedJWT.parse(nimbusToken);
    jwt.decrypt(new DirectDecrypter(subKey));
    return jwt.getJWTClaimsSet();
  }
}
