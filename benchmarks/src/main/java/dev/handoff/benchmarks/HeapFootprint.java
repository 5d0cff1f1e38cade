package dev.handoff.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.handoff.Handoff;
import dev.handoff.storage.memory.CaffeineSessionStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Measures the retained heap per live session of the in-memory store: fills a store with {@code n} seed-sized
 * sessions (the Gigs example with a user, {@link GigsSession}) through the engine, collects garbage twice before
 * and after, and divides the difference in used heap by {@code n}. Not an estimate: what the JVM holds.
 *
 * <p>Run in a JVM of its own with a heap big enough for the sessions and a compacting collector, as
 * {@link BenchmarkMain} does: {@code java -Xmx4g -XX:+UseSerialGC -cp benchmarks.jar
 * dev.handoff.benchmarks.HeapFootprint 1000000 heap.json}.
 */
public final class HeapFootprint {
  private HeapFootprint() {}

  public static void main(String[] args) throws Exception {
    int sessions = Integer.parseInt(args[0]);
    Path out = Path.of(args[1]);
    // Warm the engine on a throwaway store so that classes, thread-locals and key material are in place.
    Handoff warm = GigsSession.engine(CaffeineSessionStore.builder().build());
    for (int i = 0; i < 10_000; i++) {
      warm.create(GigsSession.request());
    }
    CaffeineSessionStore store = CaffeineSessionStore.builder().maximumSize(2L * sessions).build();
    Handoff engine = GigsSession.engine(store);
    engine.create(GigsSession.request()); // the store's own structures exist before the baseline
    long before = usedAfterGc();
    long started = System.nanoTime();
    for (int i = 1; i < sessions; i++) {
      engine.create(GigsSession.request());
    }
    long fillNanos = System.nanoTime() - started;
    long after = usedAfterGc();
    // Both must stay reachable until the second measurement.
    java.lang.ref.Reference.reachabilityFence(store);
    java.lang.ref.Reference.reachabilityFence(engine);
    java.lang.ref.Reference.reachabilityFence(warm);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("sessions", sessions);
    result.put("heapBeforeBytes", before);
    result.put("heapAfterBytes", after);
    result.put("bytesPerSession", (double) (after - before) / (sessions - 1));
    result.put("fillSeconds", fillNanos / 1e9);
    result.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    result.put("gc", ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
    System.out.printf("%d sessions: %.0f bytes retained per session (heap %d -> %d bytes)%n", sessions,
        (double) (after - before) / (sessions - 1), before, after);
  }

  private static long usedAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 2; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
