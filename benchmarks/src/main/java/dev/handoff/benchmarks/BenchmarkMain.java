package dev.handoff.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs a benchmark profile and writes its results: {@code jmh.json} (JMH's JSON of every run), {@code heap.json},
 * {@code sweep.json}, {@code report.md} (the ratios against the targets, computed from those files) and the charts.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar quick|full [--out DIR] [--skip memory,jdbc,flow,heap,sweep]
 * java -jar benchmarks/target/benchmarks.jar report DIR    # report and charts again from DIR's JSON
 * </pre>
 *
 * <p>Results go to {@code benchmarks/results/<profile>} unless {@code --out} says otherwise. The heap and sweep
 * measurements run in JVMs of their own.
 */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  /** What a profile runs and for how long. */
  private record Profile(String name, int[] memoryThreads, List<String> memoryIncludes, int memoryWarmups,
      TimeValue memoryWarmup, int memoryIterations, TimeValue memoryIteration, int[] jdbcThreads, int jdbcForks,
      int jdbcWarmups, int jdbcIterations, TimeValue jdbcIteration, int[] flowThreads, int flowWarmups,
      int flowIterations, TimeValue flowIteration, int heapSessions, int sweepRows, int sweepBaselineSeconds) {}

  /**
   * Under 5 minutes on 2 idle vCPUs: the engine paths and their baselines, JDBC at 1 thread without forking, the
   * hosted flow with 4 concurrent browsers, the heap over 250,000 sessions and a 100,000-row sweep.
   */
  private static final Profile QUICK = new Profile("quick", new int[] {1, 2},
      List.of("EngineBenchmark\\.(createAndRedeem|createAndRedeemCryptoFloor|create|redeem|authenticate|authenticateFloor"
          + "|plainNimbusMint)$",
          "TokenBenchmark\\.handoffMint$"),
      2, TimeValue.seconds(1), 3, TimeValue.seconds(1), new int[] {1}, 0, 1, 2, TimeValue.seconds(1),
      // The hosted flow warms up for 24 s: after 12 s, C2 was still compiling the flow's code through the measurement
      // (117 µs of compiler CPU per flow against 67 for the bare servlet, on 2 vCPUs), charged to its throughput.
      new int[] {4}, 12, 3, TimeValue.seconds(2), 250_000, 100_000, 5);

  /**
   * Everything but the split-deployment benchmarks, at 1, 2 and 4 threads, the hosted flow with 4 and 16 browsers,
   * and the 1,000,000-row sweep.
   */
  private static final Profile FULL = new Profile("full", new int[] {1, 2, 4},
      List.of("EngineBenchmark", "TokenBenchmark", "RandomBenchmark"),
      3, TimeValue.seconds(2), 5, TimeValue.seconds(2), new int[] {1, 2}, 1, 2, 3, TimeValue.seconds(2),
      new int[] {4, 16}, 15, 5, TimeValue.seconds(3), 1_000_000, 1_000_000, 20);

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
      return;
    }
    if (args[0].equals("report")) {
      Path dir = Path.of(args.length > 1 ? args[1] : "benchmarks/results/full");
      report(dir, dir.getFileName().toString());
      return;
    }
    Profile profile = switch (args[0]) {
      case "quick" -> QUICK;
      case "full" -> FULL;
      default -> null;
    };
    if (profile == null) {
      usage();
      System.exit(2);
      return;
    }
    Path out = Path.of("benchmarks", "results", profile.name());
    Set<String> skip = Set.of();
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--skip" -> skip = Set.of(args[++i].split(","));
        default -> {
          usage();
          System.exit(2);
        }
      }
    }
    Files.createDirectories(out);
    long started = System.nanoTime();
    var parts = new ArrayList<Path>();
    if (!skip.contains("memory")) {
      for (int threads : profile.memoryThreads()) {
        var options = new OptionsBuilder().forks(1).threads(threads)
            .warmupIterations(profile.memoryWarmups()).warmupTime(profile.memoryWarmup())
            .measurementIterations(profile.memoryIterations()).measurementTime(profile.memoryIteration());
        profile.memoryIncludes().forEach(options::include);
        parts.add(run(options, out.resolve("jmh-memory-" + threads + "t.json")));
      }
    }
    if (!skip.contains("jdbc")) {
      for (int threads : profile.jdbcThreads()) {
        var options = new OptionsBuilder().include("JdbcBenchmark").forks(profile.jdbcForks()).threads(threads)
            .warmupIterations(profile.jdbcWarmups()).warmupTime(TimeValue.seconds(1))
            .measurementIterations(profile.jdbcIterations()).measurementTime(profile.jdbcIteration());
        parts.add(run(options, out.resolve("jmh-jdbc-" + threads + "t.json")));
      }
    }
    if (!skip.contains("flow")) {
      for (int threads : profile.flowThreads()) {
        var options = new OptionsBuilder().include("HostedFlowBenchmark").forks(1).threads(threads)
            .warmupIterations(profile.flowWarmups()).warmupTime(TimeValue.seconds(2))
            .measurementIterations(profile.flowIterations()).measurementTime(profile.flowIteration());
        parts.add(run(options, out.resolve("jmh-flow-" + threads + "t.json")));
      }
    }
    if (!parts.isEmpty()) {
      Results.merge(parts, out.resolve("jmh.json"));
      for (Path part : parts) {
        Files.deleteIfExists(part);
      }
    }
    if (!skip.contains("heap")) {
      fork(List.of("-Xmx4g", "-XX:+UseSerialGC"), HeapFootprint.class, String.valueOf(profile.heapSessions()),
          out.resolve("heap.json").toString());
    }
    if (!skip.contains("sweep")) {
      fork(List.of("-Xmx1g"), SweepLatency.class, String.valueOf(profile.sweepRows()),
          String.valueOf(profile.sweepBaselineSeconds()), out.resolve("sweep.json").toString());
    }
    report(out, profile.name());
    System.out.printf("%s profile done in %.0f s%n", profile.name(), (System.nanoTime() - started) / 1e9);
  }

  private static Path run(ChainedOptionsBuilder options, Path result) throws RunnerException {
    new Runner(options.addProfiler(GCProfiler.class).addProfiler(CpuTimeProfiler.class)
        .resultFormat(ResultFormatType.JSON)
        .result(result.toString()).build()).run();
    return result;
  }

  /** Runs {@code main} of {@code type} in a JVM of its own; a failure is reported, not fatal. */
  private static void fork(List<String> jvmOptions, Class<?> type, String... args)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("java.class.path");
    var command = new ArrayList<String>();
    command.add(java);
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classPath, type.getName()));
    command.addAll(Arrays.asList(args));
    int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
    if (exit != 0) {
      System.err.println(type.getSimpleName() + " failed with exit code " + exit + "; its result is missing");
    }
  }

  private static void report(Path dir, String profile) throws IOException {
    Results results = Results.read(dir);
    String markdown = Report.of(results, "Benchmarks: " + profile + " profile");
    Files.writeString(dir.resolve("report.md"), markdown);
    List<Path> charts = Charts.write(results, dir, profile);
    System.out.println(markdown);
    System.out.println("written: " + dir.resolve("report.md") + " " + charts);
  }

  private static void usage() {
    System.err.println("usage: java -jar benchmarks.jar quick|full [--out DIR] [--skip memory,jdbc,flow,heap,sweep]\n"
        + "       java -jar benchmarks.jar report DIR\n"
        + "A single JMH benchmark: java -cp benchmarks.jar org.openjdk.jmh.Main 'EngineBenchmark' -prof gc");
  }
}
