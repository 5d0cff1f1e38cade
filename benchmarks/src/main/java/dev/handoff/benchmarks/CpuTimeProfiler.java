package dev.handoff.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time the benchmark's own threads spent per operation ({@code cpu.time.norm}, ns/op), and for
 * {@link HostedFlowBenchmark} that of its servlet container's threads ({@code cpu.server.norm}). On a machine
 * shared with other builds, wall-clock time per operation measures the queue for the CPUs as much as the code; the
 * CPU time of the benchmark threads does not, so ratios of it stay meaningful when the load average is far above the
 * number of CPUs. The collector's and the compiler's threads are left out (allocation is reported by
 * {@code -prof gc}); work in per-invocation setups counts.
 *
 * <p>{@code cpu.process.norm} is the CPU time of the whole JVM per operation, the collector's threads (and the
 * compiler's, little after warm-up) included: its excess over {@code cpu.time.norm} is mostly what garbage
 * collection costs per operation, which decides how far a benchmark can scale on two cores when the collector's
 * pauses stop every thread.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean process =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long processCpuAtStart;
  private Map<Long, Long> workers = Map.of();
  private Map<Long, Long> server = Map.of();

  @Override
  public String getDescription() {
    return "CPU time of the benchmark threads per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    workers = cpuNanos("-jmh-worker-");
    server = cpuNanos(HostedFlowBenchmark.SERVER_THREADS);
    processCpuAtStart = process.getProcessCpuTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    long processCpu = process.getProcessCpuTime() - processCpuAtStart;
    long cpu = spentSince(workers, "-jmh-worker-");
    long serverCpu = spentSince(server, HostedFlowBenchmark.SERVER_THREADS);
    long ops = result.getMetadata() == null ? 0 : result.getMetadata().getMeasuredOps();
    if (ops <= 0) {
      return List.of();
    }
    var results = new ArrayList<Result>();
    results.add(new ScalarResult("cpu.time.norm", (double) cpu / ops, "ns/op", AggregationPolicy.AVG));
    if (processCpuAtStart >= 0) {
      results.add(new ScalarResult("cpu.process.norm", (double) processCpu / ops, "ns/op", AggregationPolicy.AVG));
    }
    if (serverCpu > 0) {
      results.add(new ScalarResult("cpu.server.norm", (double) serverCpu / ops, "ns/op", AggregationPolicy.AVG));
    }
    return results;
  }

  /** The CPU time the threads named like {@code name} spent since {@code before}; new threads count whole. */
  private long spentSince(Map<Long, Long> before, String name) {
    long sum = 0;
    for (var thread : cpuNanos(name).entrySet()) {
      sum += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
    }
    return sum;
  }

  /**
   * The CPU time so far of each live thread whose name contains {@code name}, by thread id: JMH's workers live for
   * the whole fork; a container thread that ends within an iteration takes its time of that iteration with it.
   */
  private Map<Long, Long> cpuNanos(String name) {
    var cpu = new HashMap<Long, Long>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().contains(name)) {
        long nanos = threads.getThreadCpuTime(info.getThreadId());
        if (nanos >= 0) {
          cpu.put(info.getThreadId(), nanos);
        }
      }
    }
    return cpu;
  }
}
