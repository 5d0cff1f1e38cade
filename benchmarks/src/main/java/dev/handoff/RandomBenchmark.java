package dev.handoff;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * 12 random bytes (one IV): one shared default {@code SecureRandom} (NativePRNG on Linux, one global lock) against
 * a DRBG per thread, called per IV and drawn in bulk as the token codec does. Run with 2 threads to see the lock.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RandomBenchmark {
  final SecureRandom shared = new SecureRandom();

  /** Per-thread generator. */
  @State(Scope.Thread)
  public static class PerThread {
    SecureRandom random;
    final byte[] iv = new byte[12];
    final byte[] pool = new byte[12 * 256];
    int next = pool.length;

    @Setup
    public void setUp() throws Exception {
      random = SecureRandom.getInstance("DRBG");
    }
  }

  @Benchmark
  public byte[] sharedNativePrng(PerThread t) {
    shared.nextBytes(t.iv);
    return t.iv;
  }

  /** What the codec does: a per-thread DRBG drawn in bulk, 256 IVs per call. */
  @Benchmark
  public byte[] perThreadPooledDrbg(PerThread t) {
    if (t.next == t.pool.length) {
      t.random.nextBytes(t.pool);
      t.next = 0;
    }
    System.arraycopy(t.pool, t.next, t.iv, 0, 12);
    t.next += 12;
    return t.iv;
  }

  @Benchmark
  public byte[] perThreadDrbg(PerThread t) {
    t.random.nextBytes(t.iv);
    return t.iv;
  }
}
