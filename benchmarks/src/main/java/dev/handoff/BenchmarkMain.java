package dev.handoff;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the benchmarks once with 1 thread and once with 2, with the GC profiler, and prints one table of ns/op and
 * bytes allocated per op with the ratios the issue sets as targets. Takes JMH's own options (e.g.
 * {@code -f 1 -wi 3 -w 2s -i 5 -r 2s}, or a benchmark name regex); {@code -t} is set by this runner.
 */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  public static void main(String[] args) throws Exception {
    var cli = new CommandLineOptions(args);
    Map<String, double[]> rows = new LinkedHashMap<>();
    for (int threads : new int[] {1, 2}) {
      var options = new OptionsBuilder().parent(cli).threads(threads).addProfiler(GCProfiler.class).build();
      Collection<RunResult> results = new Runner(options).run();
      for (RunResult r : results) {
        String name = r.getParams().getBenchmark();
        name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
        var secondary = r.getSecondaryResults().get("gc.alloc.rate.norm");
        rows.put(name + " @" + threads, new double[] {r.getPrimaryResult().getScore(),
            r.getPrimaryResult().getScoreError(), secondary == null ? Double.NaN : secondary.getScore()});
      }
    }
    var out = new StringBuilder("\n| benchmark | threads | ns/op | ± | B/op |\n|---|---:|---:|---:|---:|\n");
    for (var e : rows.entrySet()) {
      String[] parts = e.getKey().split(" @");
      double[] v = e.getValue();
      out.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f |%n", parts[0], parts[1], v[0], v[1],
          v[2]));
    }
    List<String> ratios = new ArrayList<>();
    for (int threads : new int[] {1, 2}) {
      ratio(ratios, rows, threads, "nimbusPlainMint", "handoffMint", "mint speed-up over plain nimbus (>= 7)");
      ratio(ratios, rows, threads, "handoffMint", "floorAesGcm", "mint / floor (<= 1.5)");
      ratio(ratios, rows, threads, "nimbusOpen", "handoffOpen", "redemption speed-up over nimbus (>= 8)");
      ratio(ratios, rows, threads, "sharedNativePrng", "perThreadPooledDrbg",
          "IV randomness: shared NativePRNG / pooled per-thread DRBG");
    }
    for (String r : ratios) {
      out.append(r).append('\n');
    }
    System.out.println(out);
  }

  private static void ratio(List<String> out, Map<String, double[]> rows, int threads, String slow, String fast,
      String what) {
    double[] a = find(rows, slow, threads);
    double[] b = find(rows, fast, threads);
    if (a != null && b != null) {
      out.add(String.format(Locale.ROOT, "- %d thread(s): %s: %.2f", threads, what, a[0] / b[0]));
    }
  }

  private static double[] find(Map<String, double[]> rows, String method, int threads) {
    for (var e : rows.entrySet()) {
      if (e.getKey().endsWith("." + method + " @" + threads)) {
        return e.getValue();
      }
    }
    return null;
  }
}
