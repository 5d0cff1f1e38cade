package dev.handoff.benchmarks;

/**
 * The heap of a fork whose benchmarks keep what they create (the memory store's sessions): fixed at 4 GiB and
 * touched when the JVM starts, as a server that has been up a while has its heap. With a heap that grows from the
 * JVM's default initial size, the kernel zeroes every page the first time the growing heap reaches it, a start-up
 * cost that was charged to whichever benchmark allocated first: in {@code EngineBenchmark.createAndRedeem}, page
 * faults and {@code clear_page_erms} were ~10% of the benchmark thread's CPU (async-profiler, session 6), and the
 * thread's CPU per operation fell from 9.0–10.2 µs to 7.4 µs with the heap fixed and touched. Benchmarks that keep
 * nothing (plain nimbus, the floors) run in the same fork, so a ratio compares like with like.
 */
final class SteadyHeap {
  static final String XMS = "-Xms4g";
  static final String XMX = "-Xmx4g";
  static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

  private SteadyHeap() {}
}
