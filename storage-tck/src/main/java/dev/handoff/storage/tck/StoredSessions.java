package dev.handoff.storage.tck;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.Intent;
import dev.handoff.spi.LoginChallenge;
import dev.handoff.spi.Recovery;
import dev.handoff.spi.SessionClocks;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import dev.handoff.spi.UserDetails;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Valid {@link StoredSession}s for tests: a fixed-shape builder for example-based tests and jqwik
 * {@link Arbitrary arbitraries} for property-based ones. Adapter authors may use them in their own tests.
 *
 * <p>What the generated sessions look like, so that a store can be configured to keep them:
 * <ul>
 *   <li>every instant lies within 30 days of {@link #baseTime()} and has nanosecond precision;</li>
 *   <li>tenants are 1 to 16 characters of {@code [a-z0-9_]}, ids 1 to 40 of {@code [A-Za-z0-9_-]}, idempotency
 *       keys 1 to 64 of {@code [A-Za-z0-9_-]}: orders and comparisons agree in every collation that is binary;</li>
 *   <li>JSON metadata, presentation, intent payloads and user attributes use every {@link dev.handoff.spi.Json} shape,
 *       nested, with strings of any valid Unicode (control characters, quotes, {@code U+2028}, emoji) but no
 *       unpaired surrogates;</li>
 *   <li>every {@link Subject} variant, status, {@code null}able component and flag occurs;</li>
 *   <li>clocks are derived ({@link SessionClocks#single}) or explicit, with lifetimes of up to a week; recovery
 *       links and access logs of up to {@link AccessRecord#MAX_RECORDS} records with addresses and user agents of
 *       up to {@link AccessRecord#MAX_FIELD_LENGTH} printable ASCII characters occur (empty logs while
 *       {@code OPEN}).</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class StoredSessions {
  private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.DAYS);
  private static final long SPREAD_SECONDS = Duration.ofDays(10).toSeconds();
  private static final List<Integer> TEXT_CODE_POINTS = textCodePoints();

  private StoredSessions() {}

  /**
   * The instant the kit's rate-limit counters count around: 20 days after {@link #baseTime()}, so their windows
   * end in the future of any real clock (a store may expire counters on its own clock) and after every instant
   * the model-based property passes to {@code deleteExpired}.
   */
  public static Instant counterTime() {
    return BASE.plus(Duration.ofDays(20));
  }

  /**
   * The instant generated sessions are created around: midnight UTC of the day the kit was loaded, so that
   * stores which evict on their own clock still hold them.
   */
  public static Instant baseTime() {
    return BASE;
  }

  /**
   * A simple, valid session: {@code OPEN}, token generation 1, single use, anonymous subject, created at
   * {@link #baseTime()} and expiring an hour later, version 0, no idempotency key. Adjust it with the builder.
   */
  public static StoredSession.Builder open(String tenant, String id) {
    return StoredSession.builder()
        .tenant(tenant)
        .id(id)
        .intent(new Intent("checkoutNewSubscription", Map.of("plan", "pln_basic")))
        .metadata(Map.of("orderId", "ord_1"))
        .createdAt(BASE)
        .modifiedAt(BASE)
        .expiresAt(BASE.plus(Duration.ofHours(1)))
        .tokenDigest("dgst_" + id);
  }

  /** The audit record of a redemption at {@code at}, without client address or user agent. */
  public static AccessRecord redemption(Instant at) {
    return new AccessRecord(AccessRecord.Step.REDEEMED, at, null, null);
  }

  /** Any valid session, of a random tenant and id, with or without idempotency key. */
  public static Arbitrary<StoredSession> sessions() {
    return sessions(tenants(), ids(), idempotencyKeys().injectNull(0.5));
  }

  /**
   * Valid sessions with tenant, id and idempotency key drawn from the given arbitraries ({@code null} keys
   * allowed: a session without key); every other component is random.
   */
  public static Arbitrary<StoredSession> sessions(Arbitrary<String> tenants, Arbitrary<String> ids,
      Arbitrary<String> idempotencyKeys) {
    Arbitrary<StoredSession.Builder> identity = Combinators.combine(tenants, ids, idempotencyKeys,
            Arbitraries.strings().withChars("0123456789abcdef").ofLength(64))
        .as((tenant, id, key, fingerprint) -> StoredSession.builder().tenant(tenant).id(id)
            .idempotency(key, key == null ? null : fingerprint));
    Arbitrary<StoredSession.Builder> content = Combinators.combine(identity, intents(), subjects(),
            callbackUrls().injectNull(0.3), jsonObjects(), jsonObjects())
        .as((b, intent, subject, url, metadata, presentation) -> b.intent(intent).subject(subject).callbackUrl(url)
            .metadata(metadata).presentation(presentation));
    Arbitrary<StoredSession.Builder> timed = Combinators.combine(content, instants(),
            Arbitraries.longs().between(1, Duration.ofDays(2).toNanos()), Arbitraries.doubles().between(0, 1))
        .as((b, created, lifetimeNanos, modifiedShare) -> {
          Instant expires = created.plusNanos(lifetimeNanos);
          return b.createdAt(created).expiresAt(expires)
              .modifiedAt(created.plusNanos((long) (lifetimeNanos * modifiedShare)));
        });
    return Combinators.combine(timed, Arbitraries.of(SessionStatus.class), Arbitraries.longs().between(1, 5),
            Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
                .ofLength(43),
            Arbitraries.of(true, false), Arbitraries.longs().between(0, 10))
        .as((b, status, generation, digest, singleUse, version) -> b.status(status).tokenGeneration(generation)
            .tokenDigest(digest).singleUse(singleUse).version(version))
        .flatMap(b -> Combinators.combine(browsers().injectNull(0.4), challenges().injectNull(0.6),
                clocks().injectNull(0.4), recoveries(), accessLogs())
            .as((browser, challenge, clocks, recovery, log) -> {
              StoredSession s = b.browser(browser).challenge(challenge).clocks(clocks).recovery(recovery).build();
              // Nothing was redeemed while OPEN, so its log is empty.
              return s.status() == SessionStatus.OPEN ? s : s.toBuilder().accessLog(log).build();
            }));
  }

  /** Explicit clocks: any link deadline, an idle timeout of 1 s to a day, an active lifetime of 1 s to a week. */
  public static Arbitrary<SessionClocks> clocks() {
    return Combinators.combine(instants(),
            Arbitraries.longs().between(1_000_000_000L, Duration.ofDays(1).toNanos()),
            Arbitraries.longs().between(1_000_000_000L, Duration.ofDays(7).toNanos()))
        .as((link, idle, active) -> new SessionClocks(link, Duration.ofNanos(idle), Duration.ofNanos(active)));
  }

  /** {@link Recovery#NONE} half of the time, else a replacement, a replaced original, or both. */
  public static Arbitrary<Recovery> recoveries() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(Recovery.NONE)),
        Tuple.of(1, Combinators.combine(ids(), ids().injectNull(0.5), Arbitraries.integers().between(1, 5))
            .as(Recovery::new)),
        Tuple.of(1, ids().map(replacement -> Recovery.NONE.replacedBy(replacement))));
  }

  /** Access logs of 0 to {@link AccessRecord#MAX_RECORDS} records of any step. */
  public static Arbitrary<List<AccessRecord>> accessLogs() {
    return accessRecords().list().ofMaxSize(AccessRecord.MAX_RECORDS);
  }

  /**
   * Access records: any step and instant, an address and a user agent of printable ASCII up to
   * {@link AccessRecord#MAX_FIELD_LENGTH} characters (quotes and backslashes included), each {@code null}able.
   */
  public static Arbitrary<AccessRecord> accessRecords() {
    Arbitrary<String> printable = Arbitraries.strings().withCharRange(' ', '~')
        .ofMaxLength(AccessRecord.MAX_FIELD_LENGTH);
    return Combinators.combine(Arbitraries.of(AccessRecord.Step.class), instants(), printable.injectNull(0.3),
            printable.injectNull(0.3))
        .as(AccessRecord::new);
  }

  /** Browser-session bindings: a digest, an activation instant and a last-seen instant at or after it. */
  public static Arbitrary<BrowserBinding> browsers() {
    return Combinators.combine(digests(), instants(), Arbitraries.longs().between(0, Duration.ofDays(1).toNanos()))
        .as((digest, activated, seenAfter) -> new BrowserBinding(digest, activated, activated.plusNanos(seenAfter)));
  }

  /** One-time-code sign-ins in progress, with any attempts left (0 to 5) and sends (1 to 5). */
  public static Arbitrary<LoginChallenge> challenges() {
    Arbitrary<String> emails = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz.+").ofMinLength(1)
        .ofMaxLength(20).map(local -> local + "@example.com");
    return Combinators.combine(emails, digests(), instants(), Arbitraries.integers().between(0, 5),
            Arbitraries.integers().between(1, 5), instants())
        .as(LoginChallenge::new);
  }

  private static Arbitrary<String> digests() {
    return Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        .ofLength(43);
  }

  /** Tenant names: 1 to 16 characters of {@code [a-z0-9_]}. */
  public static Arbitrary<String> tenants() {
    return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789_").ofMinLength(1).ofMaxLength(16);
  }

  /** Session ids: 1 to 40 characters of {@code [A-Za-z0-9_-]}. */
  public static Arbitrary<String> ids() {
    return Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        .ofMinLength(1).ofMaxLength(40);
  }

  /** Idempotency keys: 1 to 64 characters of {@code [A-Za-z0-9_-]}. */
  public static Arbitrary<String> idempotencyKeys() {
    return Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        .ofMinLength(1).ofMaxLength(64);
  }

  /** Instants with nanosecond precision within 10 days of {@link #baseTime()}. */
  public static Arbitrary<Instant> instants() {
    return Combinators.combine(Arbitraries.longs().between(-SPREAD_SECONDS, SPREAD_SECONDS),
            Arbitraries.integers().between(0, 999_999_999))
        .as((seconds, nanos) -> BASE.plusSeconds(seconds).plusNanos(nanos));
  }

  /** Intents with a random valid type and a random JSON payload. */
  public static Arbitrary<Intent> intents() {
    Arbitrary<String> types = Arbitraries.strings()
        .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")
        .ofMinLength(1).ofMaxLength(Intent.MAX_TYPE_LENGTH);
    return Combinators.combine(types, jsonObjects()).as(Intent::new);
  }

  /** Every {@link Subject} variant: anonymous, an existing user, or a new user with details. */
  public static Arbitrary<Subject> subjects() {
    Arbitrary<Subject> existing = texts().filter(s -> !s.isBlank()).map(Subject.ExistingUser::new);
    Arbitrary<String> emails = Combinators.combine(
            Arbitraries.strings().alpha().numeric().withChars("._+-").ofMinLength(1).ofMaxLength(20),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20))
        .as((local, domain) -> local + "@" + domain + ".example");
    Arbitrary<Subject> created = Combinators.combine(emails, texts().injectNull(0.3), jsonObjects())
        .as((email, name, attributes) -> new Subject.NewUser(new UserDetails(email, name, attributes)));
    return Arbitraries.oneOf(Arbitraries.just(Subject.ANONYMOUS), existing, created);
  }

  /** Plausible callback URLs. */
  public static Arbitrary<String> callbackUrls() {
    return Arbitraries.strings().alpha().numeric().withChars("-_.~%").ofMaxLength(60)
        .map(path -> "https://shop.example/return/" + path + "?session={id}");
  }

  /**
   * JSON objects of every {@link dev.handoff.spi.Json} shape, nested up to three levels: {@code null},
   * strings, booleans, longs, decimals of any scale, lists and objects.
   */
  public static Arbitrary<Map<String, Object>> jsonObjects() {
    return jsonObjects(3);
  }

  private static Arbitrary<Map<String, Object>> jsonObjects(int depth) {
    Arbitrary<Object> values = jsonValues(depth);
    return Arbitraries.maps(texts(), values).ofMaxSize(depth == 3 ? 5 : 3)
        .map(LinkedHashMap::new);
  }

  private static Arbitrary<Object> jsonValues(int depth) {
    var choices = new ArrayList<Arbitrary<?>>(List.of(
        Arbitraries.just(null),
        texts(),
        Arbitraries.of(true, false),
        Arbitraries.longs(),
        Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(-5, 12))
            .as((unscaled, scale) -> BigDecimal.valueOf(unscaled, scale))));
    if (depth > 1) {
      choices.add(Arbitraries.lazy(() -> jsonValues(depth - 1)).list().ofMaxSize(3));
      choices.add(Arbitraries.lazy(() -> jsonObjects(depth - 1)));
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    Arbitrary<Object> oneOf = (Arbitrary<Object>) Arbitraries.oneOf((List) choices);
    return oneOf;
  }

  /** Strings of valid Unicode that a careless store would mangle: controls, quotes, separators, emoji. */
  private static Arbitrary<String> texts() {
    // Picked from one flat list of code points: cheap to generate and shrink, unlike a oneOf of fragments.
    return Arbitraries.of(TEXT_CODE_POINTS).list().ofMaxSize(12)
        .map(codePoints -> codePoints.stream()
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
  }

  private static List<Integer> textCodePoints() {
    var codePoints = new ArrayList<Integer>();
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \"\\/'-;{}[]:,._".codePoints()
        .forEach(codePoints::add);
    // NUL and other controls, line separators, Latin-1, CJK, and characters outside the BMP (surrogate pairs).
    codePoints.addAll(List.of(0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x7F, 0x2028, 0x2029, 0xE9, 0xFF, 0x4E2D,
        0xFEFF, 0x1F600, 0x1D11E, 0x10FFFF));
    return List.copyOf(codePoints);
  }
}
