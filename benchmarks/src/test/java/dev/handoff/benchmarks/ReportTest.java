package dev.handoff.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report and the charts come from the JSON of a run: ratios, verdicts and images from a fixed fixture. */
class ReportTest {
  @TempDir
  Path dir;

  @Test
  void ratiosAndVerdictsComeFromTheJson() throws IOException {
    String report = Report.of(fixture(), "t");

    // 4000 / 10000 mean, 3900 / 10000 best: above the 0.3 target; CPU time, 2500 / 10000, decides.
    assertThat(report).contains(
        "| `createAndRedeem` ≤ 0.3× plain nimbus mint (1 thread) | 0.40× / 0.39× / 0.25× | yes |");
    // Context, not targets: the crypto floor (2000 mean, 1900 best, 2000 CPU) beside nimbus and createAndRedeem.
    assertThat(report).contains("| (context) the cryptography `createAndRedeem` cannot skip ÷ plain nimbus mint | "
        + "0.20× / 0.19× / 0.20× | — |");
    assertThat(report).contains("| (context) `createAndRedeem` ÷ the cryptography it cannot skip | "
        + "2.00× / 2.05× / 1.25× | — |");
    assertThat(report).contains("| `authenticate` ≤ 1.2× its floor (lookup + HMAC, 1 thread) | 1.30× / 1.30× | **no** |");
    // Same time per op with twice the threads: twice the throughput.
    assertThat(report).contains("| `create`: 2 threads ≥ 1.8× the throughput of 1 | 2.00× / 2.00× | yes |");
    assertThat(report).contains("| JDBC postgresql `create` ≤ 1.2× its bare statements (1 thread) | 1.10× / 1.10× | yes |");
    assertThat(report).contains("| JDBC mariadb `create` ≤ 1.2× its bare statements (1 thread) | — | not measured |");
    assertThat(report).contains("700 B over 1,000,000 sessions | yes |");
    assertThat(report).contains("| PostgreSQL create p99 while sweeping ≤ 2× without | 3.00× (12.0 ms / 4.0 ms; "
        + "100,000 expired rows swept by the engine's sweeper in 12.5 s, batches of 500) | **no** |");
    // Throughput from time per flow: 420 / 500 µs mean, 410 / 480 best; the container's and the whole JVM's CPU
    // (150 / 200 µs, 208 / 260 µs) for context only.
    assertThat(report).contains("| hosted flow via the servlet adapter ≥ 0.8× a bare servlet (4 browsers) | "
        + "0.84× / 0.85× (server CPU per flow 0.75×, whole JVM 0.80×) | yes |");
    // Microseconds in the JSON are shown as nanoseconds, with throughput over all threads.
    assertThat(report).contains(
        "| JdbcBenchmark.create [db=postgresql] | 1 | 330,000 ± 16,500 | 330,000 | 3,030 | — | — |");
    assertThat(report).contains("| EngineBenchmark.plainNimbusMint | 1 | 10,000 ± 500 | 10,000 | 100,000 | 10,000 | 14,000 |");
  }

  @Test
  void chartsAreDrawnFromTheJson() throws IOException {
    var written = Charts.write(fixture(), dir, "test");

    assertThat(written).containsExactly(dir.resolve("engine-throughput.png"), dir.resolve("jdbc.png"));
    for (Path png : written) {
      BufferedImage image = ImageIO.read(png.toFile());
      assertThat(image.getWidth()).isEqualTo(1000);
      assertThat(image.getHeight()).isEqualTo(620);
    }
  }

  private Results fixture() throws IOException {
    for (String name : new String[] {"jmh.json", "heap.json", "sweep.json"}) {
      try (var in = getClass().getResourceAsStream("/results/" + name)) {
        Files.copy(in, dir.resolve(name));
      }
    }
    return Results.read(dir);
  }
}
