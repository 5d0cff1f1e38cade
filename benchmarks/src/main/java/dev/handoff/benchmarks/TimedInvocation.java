package dev.handoff.benchmarks;

import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The CPU time and bytes a thread spent in a benchmark's timed invocations alone, for a benchmark whose state
 * prepares each invocation (a fresh token, a fresh row): that setup runs on the same thread, outside JMH's timing but
 * inside what {@code cpu.time.norm} ({@link CpuTimeProfiler}) and {@code gc.alloc.rate.norm} ({@code -prof gc})
 * count, which would charge it to the operation. The state that prepares the invocation takes this one as an argument
 * of its per-invocation setup and calls {@link #start()} last (JMH reports the counters only of fields a state class
 * declares itself, so this is a state of its own, not a superclass); the counters are read again before the teardown,
 * so they hold the invocation plus the tail and head of two counter reads (a thread-CPU-time read is a system call:
 * they can only add, never hide, time). Summed over threads by JMH as events; {@link Results} divides them by
 * {@code timedCalls}.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class TimedInvocation {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private long cpuAtStart;
  private long bytesAtStart;
  /** CPU time of this thread inside the timed invocations, ns. */
  public long timedCpuNanos;
  /** Bytes this thread allocated inside the timed invocations. */
  public long timedAllocatedBytes;
  /** Timed invocations counted. */
  public long timedCalls;

  @Setup(Level.Iteration)
  public void resetCounters() {
    timedCpuNanos = 0;
    timedAllocatedBytes = 0;
    timedCalls = 0;
  }

  /** Marks the start of the timed invocation: call it last in the per-invocation setup that prepares it. */
  void start() {
    bytesAtStart = THREADS.getCurrentThreadAllocatedBytes();
    cpuAtStart = THREADS.getCurrentThreadCpuTime();
  }

  @TearDown(Level.Invocation)
  public void count() {
    long cpu = THREADS.getCurrentThreadCpuTime();
    long bytes = THREADS.getCurrentThreadAllocatedBytes();
    timedCpuNanos += cpu - cpuAtStart;
    timedAllocatedBytes += bytes - bytesAtStart;
    timedCalls++;
  }
}
