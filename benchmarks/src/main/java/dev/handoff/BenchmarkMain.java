package dev.handoff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the benchmarks once with 1 thread and once with 2, with the GC profiler, and prints one table of ns/op and
 * bytes allocated per op with the ratios the issue sets as targets. Takes JMH's own options (e.g.
 * {@code -f 1 -wi 3 -w 2s -i 5 -r 2s}, or a benchmark name regex); {@code -t} is set by this runner.
 *
 * <p>Besides JMH's mean it reports the best measurement iteration of each benchmark: on a shared machine, other
 * processes inflate some iterations, and the best one is the least disturbed estimate. Ratios are given for both.
 */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  /** One benchmark at one thread count: mean and error, best iteration, bytes per op. */
  private record Row(String name, int threads, double mean, double error, double best, double bytes) {}

  public static void main(String[] args) throws Exception {
    var cli = new CommandLineOptions(args);
    Map<String, Row> rows = new LinkedHashMap<>();
    for (int threads : new int[] {1, 2}) {
      var options = new OptionsBuilder().parent(cli).threads(threads).addProfiler(GCProfiler.class).build();
      for (RunResult r : new Runner(options).run()) {
        String name = r.getParams().getBenchmark();
        name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
        for (String key : r.getParams().getParamsKeys()) {
          name += " [" + key + "=" + r.getParams().getParam(key) + "]";
        }
        double best = Double.MAX_VALUE;
        for (BenchmarkResult fork : r.getBenchmarkResults()) {
          for (IterationResult iteration : fork.getIterationResults()) {
            best = Math.min(best, iteration.getPrimaryResult().getScore());
          }
        }
        var alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
        rows.put(name + " @" + threads, new Row(name, threads, r.getPrimaryResult().getScore(),
            r.getPrimaryResult().getScoreError(), best, alloc == null ? Double.NaN : alloc.getScore()));
      }
    }
    var out = new StringBuilder("\n| benchmark | threads | ns/op (mean ± error) | ns/op (best iteration) | B/op |\n"
        + "|---|---:|---:|---:|---:|\n");
    for (Row row : rows.values()) {
      out.append(String.format(Locale.ROOT, "| %s | %d | %.0f ± %.0f | %.0f | %.0f |%n", row.name(), row.threads(),
          row.mean(), row.error(), row.best(), row.bytes()));
    }
    out.append("\nratios (mean / best iteration):\n");
    List<String> ratios = new ArrayList<>();
    for (int threads : new int[] {1, 2}) {
      ratio(ratios, rows, threads, "nimbusPlainMint", "handoffMint", "mint speed-up over plain nimbus (target >= 7)");
      ratio(ratios, rows, threads, "handoffMint", "floorAesGcm", "mint / floor (target <= 1.5)");
      ratio(ratios, rows, threads, "nimbusOpen", "handoffOpen", "redemption speed-up over nimbus (target >= 8)");
      ratio(ratios, rows, threads, "sharedNativePrng", "perThreadPooledDrbg",
          "IV randomness: shared NativePRNG / pooled per-thread DRBG");
    }
    for (String r : ratios) {
      out.append(r).append('\n');
    }
    System.out.println(out);
  }

  private static void ratio(List<String> out, Map<String, Row> rows, int threads, String slow, String fast,
      String what) {
    Row a = find(rows, slow, threads);
    Row b = find(rows, fast, threads);
    if (a != null && b != null) {
      out.add(String.format(Locale.ROOT, "- %d thread(s): %s: %.2f / %.2f", threads, what, a.mean() / b.mean(),
          a.best() / b.best()));
    }
  }

  private static Row find(Map<String, Row> rows, String method, int threads) {
    for (Row row : rows.values()) {
      if (row.threads() == threads && row.name().endsWith("." + method)) {
        return row;
      }
    }
    return null;
  }
}
