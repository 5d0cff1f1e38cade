package dev.handoff.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The results of one profile run as read back from its files: JMH's JSON ({@code jmh.json}), and the JSON of the
 * heap and sweep measurements. Everything the report and the charts show comes from here.
 */
final class Results {
  /**
   * One JMH benchmark at one thread count, normalised to nanoseconds per operation; {@code serverCpuPerOp} is the
   * servlet container's CPU time of {@link HostedFlowBenchmark}, NaN elsewhere; {@code processCpuPerOp} the whole
   * JVM's ({@code cpu.process.norm}), NaN in runs from before {@link CpuTimeProfiler} reported it.
   */
  record Row(String benchmark, String method, Map<String, String> params, int threads, double mean, double error,
      double best, double bytesPerOp, double cpuPerOp, double serverCpuPerOp, double processCpuPerOp) {
    /** Operations per second over all threads, from the mean. */
    double throughput() {
      return threads * 1e9 / mean;
    }

    /** {@code Class.method [k=v]}, as the tables show it. */
    String label() {
      String simple = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
      var label = new StringBuilder(simple);
      params.forEach((k, v) -> label.append(" [").append(k).append('=').append(v).append(']'));
      return label.toString();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  final List<Row> rows;
  final JsonNode heap;
  final JsonNode sweep;

  private Results(List<Row> rows, JsonNode heap, JsonNode sweep) {
    this.rows = rows;
    this.heap = heap;
    this.sweep = sweep;
  }

  /** Reads the results in {@code dir}; files that a partial run did not write are simply absent. */
  static Results read(Path dir) throws IOException {
    var rows = new ArrayList<Row>();
    Path jmh = dir.resolve("jmh.json");
    if (Files.exists(jmh)) {
      for (JsonNode run : JSON.readTree(jmh.toFile())) {
        rows.add(row(run));
      }
    }
    return new Results(rows, readIfExists(dir.resolve("heap.json")), readIfExists(dir.resolve("sweep.json")));
  }

  /** Concatenates JMH result files (each a JSON array) into {@code target}. */
  static void merge(List<Path> parts, Path target) throws IOException {
    var all = JSON.createArrayNode();
    for (Path part : parts) {
      if (Files.exists(part) && Files.size(part) > 0) {
        JSON.readTree(part.toFile()).forEach(all::add);
      }
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(target.toFile(), all);
  }

  private static JsonNode readIfExists(Path file) throws IOException {
    return Files.exists(file) ? JSON.readTree(file.toFile()) : null;
  }

  private static Row row(JsonNode run) {
    String benchmark = run.get("benchmark").asText();
    JsonNode primary = run.get("primaryMetric");
    double scale = nanosPer(primary.get("scoreUnit").asText());
    double best = Double.MAX_VALUE;
    for (JsonNode fork : primary.get("rawData")) {
      for (JsonNode iteration : fork) {
        best = Math.min(best, iteration.asDouble());
      }
    }
    Map<String, String> params = new TreeMap<>();
    if (run.has("params")) {
      for (Iterator<Map.Entry<String, JsonNode>> it = run.get("params").fields(); it.hasNext(); ) {
        var e = it.next();
        params.put(e.getKey(), e.getValue().asText());
      }
    }
    return new Row(benchmark, benchmark.substring(benchmark.lastIndexOf('.') + 1), params,
        run.get("threads").asInt(), primary.get("score").asDouble() * scale,
        primary.get("scoreError").asDouble(Double.NaN) * scale, best * scale,
        timedOr(run, "timedAllocatedBytes", "gc.alloc.rate.norm"), timedOr(run, "timedCpuNanos", "cpu.time.norm"),
        secondary(run, "cpu.server.norm"), secondary(run, "cpu.process.norm"));
  }

  /**
   * Per operation: the benchmark's own count of its timed invocations ({@code timed*} counters, e.g.
   * {@code EngineBenchmark.redeem}, whose per-invocation setup the whole-thread profilers would include) where it
   * has one, otherwise the profiler's {@code metric}.
   */
  private static double timedOr(JsonNode run, String counter, String metric) {
    double total = secondary(run, counter);
    double calls = secondary(run, "timedCalls");
    return Double.isNaN(total) || !(calls > 0) ? secondary(run, metric) : total / calls;
  }

  private static double secondary(JsonNode run, String metric) {
    JsonNode score = run.path("secondaryMetrics").path(metric).path("score");
    return score.isMissingNode() ? Double.NaN : score.asDouble();
  }

  private static double nanosPer(String unit) {
    return switch (unit) {
      case "ns/op" -> 1;
      case "us/op" -> 1e3;
      case "ms/op" -> 1e6;
      case "s/op" -> 1e9;
      default -> throw new IllegalArgumentException("unexpected JMH unit " + unit + " (use average time)");
    };
  }

  /** The row of {@code Class.method} (simple class name) at {@code threads} with {@code params}, if measured. */
  Optional<Row> find(String classAndMethod, int threads, Map<String, String> params) {
    return rows.stream()
        .filter(r -> r.benchmark().endsWith("." + classAndMethod) && r.threads() == threads
            && r.params().equals(params))
        .findFirst();
  }

  Optional<Row> find(String classAndMethod, int threads) {
    return find(classAndMethod, threads, Map.of());
  }

  /** The thread counts measured, ascending. */
  List<Integer> threadCounts() {
    return rows.stream().map(Row::threads).distinct().sorted().toList();
  }
}
