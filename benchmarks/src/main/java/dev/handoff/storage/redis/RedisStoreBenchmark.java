package dev.handoff.storage.redis;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.Intent;
import dev.handoff.spi.SessionClocks;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Each {@link RedisSessionStore} operation next to the bare Redis command or script it issues, with the same keys
 * and arguments, through the same Lettuce connection, in the same run: the ratio is what the store adds (keys,
 * encoding and decoding a session, validation) to the round trip. Against standalone Redis at
 * {@code redis://127.0.0.1:6379} ({@code -Dhandoff.redis=…} to change), under random key prefixes that are deleted
 * afterwards. Run {@link #main} (see benchmarks/README.md); it prints the table and the ratios.
 *
 * <p>In the store's package, so that the baselines run the very script objects the store runs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RedisStoreBenchmark {
  static final String TENANT = "prj_0U2ViuFW0Z7P8Y2S1L76mfADMT6m";
  static final Instant NOW = Instant.now();
  static final String USER = "usr_0U2ViuFW0Z7P8Y2S1L76mfADMT6m";

  StatefulRedisConnection<String, String> connection;
  RedisAsyncCommands<String, String> async;
  RedisCommands<String, String> sync;
  RedisSessionStore store;
  KeySpace.TenantKeys keys;
  String prefix;
  long sequence;

  // find, list: stored once
  StoredSession seed;
  // replace: one session each side, its version counting up
  StoredSession replaced;
  long storeVersion;
  long bareVersion;

  /** A session the size of the seed documents' examples: an existing user, a plan, a callback, an idempotency key. */
  static StoredSession seedSized(String id, Instant expiresAt) {
    var metadata = new LinkedHashMap<String, Object>();
    metadata.put("orderId", "ord_0U2qJyIT0Z7P8Y1M6uFNjOiO5sws");
    return StoredSession.builder()
        .tenant(TENANT)
        .id(id)
        .intent(new Intent("checkoutNewSubscription", Map.of("plan", "pln_0U2qJyIT0Z7P8Y1M6uFNjOiO5sws")))
        .subject(new Subject.ExistingUser(USER))
        .callbackUrl("https://example.com/checkout/done")
        .metadata(metadata)
        .createdAt(NOW)
        .modifiedAt(NOW)
        .expiresAt(expiresAt)
        .tokenDigest("k1.3q2-7_wXyZ0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0u")
        .idempotency("5f0c1e9a-3c2b-4d8e-9f7a-6b5c4d3e2f1a", "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b")
        .build();
  }

  /** One client and connection for the whole run (the runs of {@link #main} share this JVM). */
  private static StatefulRedisConnection<String, String> shared;

  private static synchronized StatefulRedisConnection<String, String> sharedConnection() {
    if (shared == null) {
      RedisClient redis = RedisClient.create(System.getProperty("handoff.redis", "redis://127.0.0.1:6379"));
      shared = redis.connect(StringCodec.UTF8);
      Runtime.getRuntime().addShutdownHook(new Thread(redis::shutdown));
    }
    return shared;
  }

  @Setup(Level.Trial)
  public void setUp() {
    connection = sharedConnection();
    async = connection.async();
    sync = connection.sync();
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    prefix = "handoff-bench:" + HexFormat.of().formatHex(random) + ":";
    // Retention 0 and short lifetimes: what the insert benchmarks write expires within seconds.
    store = RedisSessionStore.builder().connection(connection).keyPrefix(prefix).retention(Duration.ZERO).build();
    keys = new KeySpace(prefix).tenant(TENANT);
    Instant hour = NOW.plusSeconds(3600);
    seed = seedSized("csn_seed", hour);
    store.insert(seed);
    for (int i = 0; i < 19; i++) {
      store.insert(seedSized("csn_list_" + i, hour).toBuilder().idempotency(null, null).build());
    }
    replaced = seedSized("csn_replace_store", hour).toBuilder().idempotency(null, null).build();
    store.insert(replaced);
    store.insert(replaced.toBuilder().id("csn_replace_bare").build());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = sync.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
      if (!page.getKeys().isEmpty()) {
        sync.del(page.getKeys().toArray(String[]::new));
      }
      cursor = page;
    } while (!cursor.isFinished());
  }

  private <T> T await(io.lettuce.core.RedisFuture<T> future) throws Exception {
    return future.get(2, TimeUnit.SECONDS);
  }

  private List<Object> bareScript(LuaScript script, String[] keys, String... args) throws Exception {
    return await(async.evalsha(script.sha1(), ScriptOutputType.MULTI, keys, args));
  }

  // ---- insert --------------------------------------------------------------------------------------------

  /** A new session each call, expiring in two seconds, with an idempotency key (claimed in the same script). */
  StoredSession nextInsert() {
    long n = sequence++;
    return seedSized("csn_ins_" + n, Instant.now().plusSeconds(2)).toBuilder()
        .idempotency("idem-" + n, "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d").build();
  }

  @Benchmark
  public void insertStore() {
    store.insert(nextInsert());
  }

  /** The script the store runs for an insert, with the fields encoded as the store encodes them. */
  @Benchmark
  public Object insertBare() throws Exception {
    StoredSession s = nextInsert();
    List<String> args = new ArrayList<>(72);
    args.add(s.id());
    args.add(Long.toString(s.expiresAt().toEpochMilli() + 1));
    args.add(Long.toString(s.expiresAt().toEpochMilli()));
    args.add("1");
    args.add("1");
    args.add("1");
    args.addAll(SessionHash.fields(s));
    return bareScript(Scripts.INSERT, new String[] {keys.session(s.id()), keys.claim(s.idempotencyKey()),
        keys.ids(), keys.expiry(), keys.counterExpiry(), keys.live(), keys.user(USER)}, args.toArray(String[]::new));
  }

  // ---- find ----------------------------------------------------------------------------------------------

  @Benchmark
  public Object findStore() {
    return store.find(TENANT, "csn_seed");
  }

  @Benchmark
  public Object findBare() throws Exception {
    return await(async.hgetall(keys.session("csn_seed")));
  }

  // ---- consume: a fresh OPEN session per call, copied from a template before each iteration ---------------

  /** OPEN sessions to consume, one per call: copies of a template made (pipelined) before each iteration. */
  @State(Scope.Thread)
  public static class OpenSessions {
    static final int PER_ITERATION = 6_000;
    RedisStoreBenchmark bench;
    String template;
    int next;

    @Setup(Level.Trial)
    public void setUp(RedisStoreBenchmark bench) {
      this.bench = bench;
      String id = "csn_template_" + bench.sequence++;
      bench.store.insert(seedSized(id, NOW.plusSeconds(3600)).toBuilder().idempotency(null, null).build());
      template = bench.keys.session(id);
    }

    @Setup(Level.Iteration)
    public void copyTemplate() throws Exception {
      next = 0;
      var copies = new ArrayList<io.lettuce.core.RedisFuture<Boolean>>(PER_ITERATION);
      for (int i = 0; i < PER_ITERATION; i++) {
        copies.add(bench.async.copy(template, bench.keys.session(id(i)), io.lettuce.core.CopyArgs.Builder.replace(true)));
      }
      for (var copy : copies) {
        copy.get(30, TimeUnit.SECONDS);
      }
    }

    String id(int i) {
      return template.substring(template.lastIndexOf(':') + 1) + "_" + i;
    }

    String nextId() {
      if (next == PER_ITERATION) {
        throw new IllegalStateException("more consumes per iteration than prepared sessions");
      }
      return id(next++);
    }
  }

  static final BrowserBinding BROWSER = new BrowserBinding("k1.bR0wS3r-s3cr3t-d1g3st_0123456789abcdefghij", NOW, NOW);
  /** A redemption's audit as the engine records it: a truncated address and a browser's user agent. */
  static final AccessRecord ACCESS = new AccessRecord(AccessRecord.Step.REDEEMED, NOW.plusSeconds(1), "203.0.113.0/24",
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");

  @Benchmark
  public Object consumeStore(OpenSessions sessions) {
    return store.consume(TENANT, sessions.nextId(), 1, SessionStatus.ACTIVE, BROWSER, ACCESS, ACCESS.at())
        .orElseThrow();
  }

  @Benchmark
  public Object consumeBare(OpenSessions sessions) throws Exception {
    String id = sessions.nextId();
    List<Object> reply = bareScript(Scripts.CONSUME, new String[] {keys.session(id), keys.ids(), keys.expiry(),
            keys.counterExpiry(), keys.live()}, "1", SessionHash.instant(ACCESS.at()),
        "ACTIVE", "1", BROWSER.secretDigest(), SessionHash.instant(BROWSER.activatedAt()),
        SessionHash.instant(BROWSER.lastSeenAt()), AccessLogJson.write(List.of(ACCESS)), id, "0", keys.claimPrefix(),
        keys.userPrefix(), SessionHash.nanos(SessionClocks.DEFAULT_IDLE_TIMEOUT));
    if (reply.isEmpty()) {
      throw new IllegalStateException("not consumed");
    }
    return reply;
  }

  // ---- replace: compare-and-set, the version counting up -------------------------------------------------

  @Benchmark
  public boolean replaceStore() {
    long v = storeVersion++;
    StoredSession next = replaced.toBuilder().version(v + 1).build();
    if (!store.replace(next, v)) {
      throw new IllegalStateException("lost the compare-and-set");
    }
    return true;
  }

  @Benchmark
  public Object replaceBare() throws Exception {
    long v = bareVersion++;
    StoredSession next = replaced.toBuilder().id("csn_replace_bare").version(v + 1).build();
    List<String> args = new ArrayList<>(76);
    args.add(Long.toString(v));
    args.add(Long.toString(next.expiresAt().toEpochMilli()));
    args.add(Long.toString(next.expiresAt().toEpochMilli()));
    args.add("0");
    args.add("");
    args.add(keys.claimPrefix());
    args.add(next.id());
    args.add("1");
    args.add(USER);
    args.add(keys.userPrefix());
    args.addAll(SessionHash.fields(next));
    List<Object> reply = bareScript(Scripts.REPLACE, new String[] {keys.session(next.id()),
        keys.session(next.id()), keys.ids(), keys.expiry(), keys.counterExpiry(), keys.live(), keys.user(USER)},
        args.toArray(String[]::new));
    if ((Long) reply.get(0) != 1) {
      throw new IllegalStateException("lost the compare-and-set");
    }
    return reply;
  }

  // ---- incrementCounter: counting on within a long window ------------------------------------------------

  @Benchmark
  public long incrementCounterStore() {
    return store.incrementCounter(TENANT, "rl-store", NOW.plusSeconds(3600), Instant.now());
  }

  @Benchmark
  public Object incrementCounterBare() throws Exception {
    Instant end = NOW.plusSeconds(3600);
    long endNanos = EpochNanos.of(end);
    return bareScript(Scripts.INCREMENT, new String[] {keys.counter("rl-bare"), keys.counterExpiry(), keys.expiry()},
        Long.toString(EpochNanos.of(Instant.now())), Long.toString(endNanos),
        Long.toString(EpochNanos.ceilMillis(endNanos)), Long.toString(EpochNanos.floorMillis(endNanos)), "rl-bare");
  }

  // ---- list: a page of 10 of the tenant's sessions -------------------------------------------------------

  @Benchmark
  public Object listStore() {
    return store.list(TENANT, "csn_list_", 10);
  }

  @Benchmark
  public Object listBare() throws Exception {
    return bareScript(Scripts.PAGE, new String[] {keys.ids(), keys.expiry(), keys.live()}, keys.sessionPrefix(),
        "csn_list_", "11", "");
  }

  /** The operations, each measured as {@code <op>Store} and {@code <op>Bare}. */
  static final List<String> OPERATIONS = List.of("insert", "find", "consume", "replace", "incrementCounter", "list");

  /**
   * Measures each operation in rounds: per round, the store and the bare benchmark back to back (1 thread, in this
   * JVM, 1 × 0.2 s warm-up and 5 × 0.1 s measurement each, every call timed), alternating which goes first. A
   * round's ratio is store median / bare median, taken in the same seconds, so both met the same machine load;
   * the reported ratio is the median of the rounds' ratios. Also the ratio of each side's fastest round: load
   * from other processes only ever adds time, so the fastest round is the least disturbed estimate. Then prints
   * {@code MEMORY USAGE} of a seed-sized session. About 90 s. Argument: the number of rounds (default 5).
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Map<String, List<double[]>> byOperation = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (String op : OPERATIONS) {
        List<String> order = round % 2 == 0 ? List.of(op + "Store", op + "Bare") : List.of(op + "Bare", op + "Store");
        Map<String, Double> medians = new LinkedHashMap<>();
        for (String benchmark : order) {
          var options = new OptionsBuilder().include(RedisStoreBenchmark.class.getName() + "\\." + benchmark + "$")
              .forks(0).threads(1)
              .warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
              .measurementIterations(5).measurementTime(TimeValue.milliseconds(100))
              .build();
          RunResult r = new Runner(options).runSingle();
          medians.put(benchmark, r.getPrimaryResult().getStatistics().getPercentile(50));
        }
        byOperation.computeIfAbsent(op, k -> new ArrayList<>())
            .add(new double[] {medians.get(op + "Store"), medians.get(op + "Bare")});
      }
    }
    var out = new StringBuilder("\n| operation | store µs/op (median per round) | bare µs/op (median per round) "
        + "| store / bare (median of rounds) | store / bare (fastest rounds) |\n|---|---:|---:|---:|---:|\n");
    for (var e : byOperation.entrySet()) {
      var store = new StringBuilder();
      var bare = new StringBuilder();
      var ratios = new ArrayList<Double>();
      double fastestStore = Double.MAX_VALUE;
      double fastestBare = Double.MAX_VALUE;
      for (double[] pair : e.getValue()) {
        fastestStore = Math.min(fastestStore, pair[0]);
        fastestBare = Math.min(fastestBare, pair[1]);
        store.append(store.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", pair[0]));
        bare.append(bare.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", pair[1]));
        ratios.add(pair[0] / pair[1]);
      }
      ratios.sort(null);
      out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f |%n", e.getKey(), store, bare,
          ratios.get(ratios.size() / 2), fastestStore / fastestBare));
    }
    System.out.println(out);
    printMemoryUsage();
  }

  /** {@code MEMORY USAGE} of a seed-sized session's keys, before and after redemption, and per index entry. */
  static void printMemoryUsage() {
    var bench = new RedisStoreBenchmark();
    bench.setUp();
    try {
      String session = bench.keys.session("csn_seed");
      long open = bench.sync.memoryUsage(session);
      long claim = bench.sync.memoryUsage(bench.keys.claim(bench.seed.idempotencyKey()));
      bench.store.consume(TENANT, "csn_seed", 1, SessionStatus.ACTIVE, BROWSER, ACCESS, ACCESS.at());
      long active = bench.sync.memoryUsage(session);
      // Index entries: grow the tenant's sorted sets by 1000 sessions and divide.
      List<String> indexes = List.of(bench.keys.ids(), bench.keys.expiry(), bench.keys.live(), bench.keys.user(USER));
      var before = new ArrayList<Long>();
      indexes.forEach(index -> before.add(bench.sync.memoryUsage(index)));
      for (int i = 0; i < 1000; i++) {
        bench.store.insert(seedSized("csn_0U2UMLEo0Z7P8Y37BOdN" + String.format("%06d", i), NOW.plusSeconds(3600))
            .toBuilder().idempotency(null, null).build());
      }
      double[] perEntry = new double[indexes.size()];
      double total = active + claim;
      for (int i = 0; i < indexes.size(); i++) {
        perEntry[i] = (bench.sync.memoryUsage(indexes.get(i)) - before.get(i)) / 1000.0;
        total += perEntry[i];
      }
      System.out.printf(Locale.ROOT, "%nMEMORY USAGE of a seed-sized session (encoding %s):%n"
          + "| key | bytes |%n|---|---:|%n| session hash, OPEN | %d |%n"
          + "| session hash, ACTIVE with browser and access log | %d |%n| idempotency claim | %d |%n"
          + "| ids index, per session | %.0f |%n| expiry index, per session | %.0f |%n"
          + "| live index, per session | %.0f |%n| user index, per session | %.0f |%n"
          + "| total per redeemed session with key | %.0f |%n",
          bench.sync.objectEncoding(session), open, active, claim, perEntry[0], perEntry[1], perEntry[2], perEntry[3],
          total);
    } finally {
      bench.tearDown();
    }
  }
}
