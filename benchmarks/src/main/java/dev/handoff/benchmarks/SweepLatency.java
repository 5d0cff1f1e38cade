package dev.handoff.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.handoff.Handoff;
import dev.handoff.SweepResult;
import dev.handoff.Sweeper;
import dev.handoff.storage.jdbc.JdbcSessionStore;
import dev.handoff.storage.jdbc.SessionSweeper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

/**
 * Create latency on PostgreSQL while expired rows are swept, next to the same creates without a sweep, in one run:
 * fills the table with {@code rows} expired sessions, creates sessions on one thread for a while (the baseline),
 * then creates on while another thread sweeps every expired row, then creates for a while again (the baseline's
 * second half), and compares the percentiles.
 *
 * <p>The sweeper is by default the engine's {@link Sweeper}, which the Spring Boot starter and the example server
 * run: each batch marks up to its limit of the expired sessions {@code EXPIRED} (one {@code replaceEach}, one
 * transaction: a compare-and-set each, so that each gets exactly one event), then deletes up to its limit of those
 * past the retention, with a pause between two batches. {@code store} measures the store-level {@link SessionSweeper} instead (deletes only, no events).
 *
 * <p>{@code java -cp benchmarks.jar dev.handoff.benchmarks.SweepLatency 1000000 20 sweep.json [engine|store [batch
 * [pauseMs]]]}: rows, seconds of baseline, output file, and optionally which sweeper and its batch limit and pause
 * (that sweeper's defaults otherwise).
 */
public final class SweepLatency {
  /** {@link Sweeper.Builder}'s defaults, which it does not publish. */
  private static final int ENGINE_DEFAULT_BATCH_LIMIT = 50;
  private static final Duration ENGINE_DEFAULT_PAUSE = Duration.ofMillis(20);

  private SweepLatency() {}

  public static void main(String[] args) throws Exception {
    int rows = Integer.parseInt(args[0]);
    int baselineSeconds = Integer.parseInt(args[1]);
    Path out = Path.of(args[2]);
    // Optional, to compare settings: which sweeper, its batch limit and pause in milliseconds (its defaults otherwise).
    boolean engineSweeper = args.length <= 3 || switch (args[3]) {
      case "engine" -> true;
      case "store" -> false;
      default -> throw new IllegalArgumentException("sweeper: engine or store, not " + args[3]);
    };
    int batchLimit = args.length > 4 ? Integer.parseInt(args[4])
        : engineSweeper ? ENGINE_DEFAULT_BATCH_LIMIT : SessionSweeper.DEFAULT_BATCH_LIMIT;
    Duration pause = args.length > 5 ? Duration.ofMillis(Long.parseLong(args[5]))
        : engineSweeper ? ENGINE_DEFAULT_PAUSE : SessionSweeper.DEFAULT_PAUSE;
    try (HikariDataSource pool = Databases.pool("postgresql", 4)) {
      var store = JdbcSessionStore.builder(pool).tablePrefix(Databases.randomPrefix()).createSchemaIfMissing()
          .build();
      try {
        Map<String, Object> result = run(pool, store, rows, baselineSeconds, engineSweeper, batchLimit, pause);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
        System.out.println(result);
      } finally {
        Databases.drop(pool, store.tableName());
      }
    }
  }

  private static Map<String, Object> run(HikariDataSource pool, JdbcSessionStore store, int rows,
      int baselineSeconds, boolean engineSweeper, int batchLimit, Duration pause) throws Exception {
    Handoff engine = GigsSession.engine(store);
    String template = engine.create(GigsSession.request()).session().id();
    long filled = fill(pool, store.tableName(), template, rows);
    // Warm-up: connections, statements, JIT.
    createFor(engine, 3_000_000_000L, new AtomicBoolean(true));
    long[] before = createFor(engine, baselineSeconds * 1_000_000_000L, new AtomicBoolean(true));

    SweepRun sweepRun = engineSweeper ? engineSweep(engine, batchLimit, pause) : storeSweep(store, batchLimit, pause);
    var sweeping = new AtomicBoolean(true);
    long[] sweep = new long[3];
    Thread sweeper = new Thread(() -> {
      long started = System.nanoTime();
      try {
        // Runs back to back until nothing is left (in a deployment, one run per interval).
        for (SweepResult run = sweepRun.once(); run.expired() > 0 || run.deleted() > 0; run = sweepRun.once()) {
          sweep[0] += run.deleted();
          sweep[2] += run.expired();
        }
      } finally {
        sweep[1] = System.nanoTime() - started;
        sweeping.set(false);
      }
    }, "sweeper");
    sweeper.start();
    long[] during = createFor(engine, Long.MAX_VALUE, sweeping);
    sweeper.join();
    // The baseline is taken before and after the sweep, so that a change of load on a shared machine during the
    // run weighs on both sides alike.
    long[] after = createFor(engine, baselineSeconds * 1_000_000_000L, new AtomicBoolean(true));
    long[] baseline = LongStream.concat(Arrays.stream(before), Arrays.stream(after)).sorted().toArray();

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("expiredRows", filled);
    result.put("sweeper", engineSweeper ? "engine" : "store");
    result.put("markedExpired", sweep[2]);
    result.put("deletedRows", sweep[0]);
    result.put("sweepSeconds", sweep[1] / 1e9);
    result.put("batchLimit", batchLimit);
    result.put("pauseMillis", pause.toMillis());
    result.put("baseline", percentiles(baseline));
    result.put("duringSweep", percentiles(during));
    result.put("p99Ratio", percentile(during, 0.99) / percentile(baseline, 0.99));
    return result;
  }

  /** One run of a sweeper. */
  private interface SweepRun {
    SweepResult once();
  }

  /** The engine's sweeper as deployed: the filled rows expired in 1970, long past the retention of ended sessions. */
  private static SweepRun engineSweep(Handoff engine, int batchLimit, Duration pause) {
    Sweeper sweeper = Sweeper.builder(engine).batchLimit(batchLimit).pauseBetweenBatches(pause).build();
    return sweeper::runOnce;
  }

  /** The store's sweeper: deletes rows one minute past their expiry, without events. */
  private static SweepRun storeSweep(JdbcSessionStore store, int batchLimit, Duration pause) {
    SessionSweeper sweeper = SessionSweeper.builder(store).retention(Duration.ofMinutes(1)).batchLimit(batchLimit)
        .pause(pause).build();
    return () -> new SweepResult(0, 0, sweeper.sweepOnce());
  }

  /**
   * Inserts {@code rows} expired copies of the template row in one statement (the columns are read from the table),
   * then refreshes the statistics.
   */
  private static long fill(HikariDataSource pool, String table, String templateId, int rows) throws Exception {
    var names = new ArrayList<String>();
    var values = new ArrayList<String>();
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        String name = rs.getMetaData().getColumnName(i).toLowerCase(Locale.ROOT);
        names.add(name);
        values.add(switch (name) {
          case "id" -> "'csn_expired' || g";
          case "created_at_ns", "modified_at_ns" -> "g";
          case "expires_at_ns" -> "1000000 + g";
          case "idempotency_key", "request_fingerprint" -> "NULL";
          case "row_version" -> "0";
          default -> name;
        });
      }
    }
    String sql = "INSERT INTO " + table + " (" + String.join(", ", names) + ") SELECT " + String.join(", ", values)
        + " FROM " + table + " CROSS JOIN generate_series(1, ?) AS g WHERE id = ?";
    try (Connection c = pool.getConnection()) {
      long inserted;
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setInt(1, rows);
        ps.setString(2, templateId);
        inserted = ps.executeUpdate();
      }
      try (Statement s = c.createStatement()) {
        s.execute("VACUUM ANALYZE " + table);
      }
      return inserted;
    }
  }

  /** Creates sessions one after another while {@code go} holds and for at most {@code nanos}; their latencies. */
  private static long[] createFor(Handoff engine, long nanos, AtomicBoolean go) {
    long[] latencies = new long[1 << 16];
    int n = 0;
    long end = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 2);
    while (go.get() && System.nanoTime() < end) {
      long start = System.nanoTime();
      engine.create(GigsSession.request());
      if (n == latencies.length) {
        latencies = Arrays.copyOf(latencies, n * 2);
      }
      latencies[n++] = System.nanoTime() - start;
    }
    long[] result = Arrays.copyOf(latencies, n);
    Arrays.sort(result);
    return result;
  }

  private static Map<String, Object> percentiles(long[] sorted) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("creates", sorted.length);
    p.put("p50Millis", percentile(sorted, 0.50));
    p.put("p99Millis", percentile(sorted, 0.99));
    p.put("maxMillis", sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6);
    return p;
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
  }
}
