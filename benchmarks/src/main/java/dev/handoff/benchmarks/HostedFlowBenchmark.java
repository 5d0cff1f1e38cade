package dev.handoff.benchmarks;

import dev.handoff.Handoff;
import dev.handoff.IssuedSession;
import dev.handoff.servlet.HandoffServlet;
import dev.handoff.storage.memory.CaffeineSessionStore;
import dev.handoff.web.HostedFlow;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The hosted flow as a browser walks it, through the {@code servlet} adapter on embedded Jetty 12, next to a bare
 * servlet on the same Jetty that answers the same four requests with the same statuses, redirects, cookie, headers
 * and bytes. One invocation is one browser's flow:
 *
 * <ol>
 *   <li>{@code GET <mount>/entry?session=…&token=…}: 200, the continue page (a form that posts the token back);
 *   <li>{@code POST <mount>/entry} with the form, {@code Origin} and {@code Sec-Fetch-Site: same-origin} as Chromium
 *       sends them: 303 to {@code <mount>/session}, setting the browser-session cookie;
 *   <li>{@code GET <mount>/session} with the cookie: 200, the review page with its form token;
 *   <li>{@code POST <mount>/complete} with the form token, the cookie, {@code Origin} and {@code Sec-Fetch-Site}: 303
 *       to the callback URL, which is not followed.
 * </ol>
 *
 * <p>The Handoff flow also creates its session through the engine first (in-process, as the embedding server's API
 * call would), on the memory store. The bare servlet replays the pages and headers the Handoff flow served to the
 * first browser, sets a cookie of the same length, and checks only that the cookie and the form fields are there:
 * the cost of the protocol's requests on this container, without any of Handoff's work. JMH threads are concurrent
 * browsers, each with its own kept-alive HTTP/1.1 connection ({@link Http1Client}). The load generator runs on
 * the same machine, so its CPU time is in both sides' throughput; {@code cpu.server.norm} is the container
 * threads' CPU time per flow, the server's side alone. The fork's heap is fixed and touched before the first
 * iteration ({@link SteadyHeap}).
 */
@State(Scope.Benchmark)
@Fork(jvmArgsAppend = {SteadyHeap.XMS, SteadyHeap.XMX, SteadyHeap.PRE_TOUCH})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HostedFlowBenchmark {
  /** Names the container's threads, whose CPU time {@link CpuTimeProfiler} reports as {@code cpu.server.norm}. */
  static final String SERVER_THREADS = "bench-server";
  private static final String MOUNT = "/checkout";
  private static final String BARE = "/bare";
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  private Server jetty;
  private URI base;
  private Handoff engine;
  private String bareToken;

  @Setup(Level.Trial)
  public void start() throws Exception {
    // Idle threads stay: one that ended would take its CPU time out of cpu.server.norm. For the same reason the
    // pool outlives the server (JMH tears the trial down before the profiler reads the last iteration): its
    // daemon threads end with the fork.
    var threads = new QueuedThreadPool(32, 8, 3_600_000);
    threads.setName(SERVER_THREADS);
    threads.setDaemon(true);
    threads.start();
    jetty = new Server(threads);
    jetty.unmanage(threads);
    var connector = new ServerConnector(jetty);
    connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    connector.setPort(0);
    jetty.addConnector(connector);
    connector.open();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    engine = GigsSession.engine(CaffeineSessionStore.builder().maximumSize(10_000_000).build());
    HostedFlow flow = HostedFlow.builder(engine).publicUrl(base.toString()).mountPath(MOUNT).build();
    var bare = new BareFlowServlet(base + BARE);
    var context = new ServletContextHandler();
    context.setContextPath("/");
    context.addEventListener(new ServletContextListener() {
      @Override
      public void contextInitialized(ServletContextEvent event) {
        HandoffServlet.of(flow).register(event.getServletContext());
      }
    });
    context.addServlet(new ServletHolder(bare), BARE + "/*");
    jetty.setHandler(context);
    jetty.start();
    // One Handoff flow, recorded: the bare servlet answers with its pages and headers.
    IssuedSession first = engine.create(GigsSession.request());
    bareToken = first.token().orElseThrow();
    var recorder = new Browser();
    recorder.setUp(this);
    bare.replay(recorder.walk(MOUNT, first.session().id(), bareToken));
    recorder.tearDown();
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    jetty.stop();
  }

  /** One concurrent browser: its own connection. */
  @State(Scope.Thread)
  public static class Browser {
    private Http1Client client;
    private String origin;

    @Setup(Level.Trial)
    public void setUp(HostedFlowBenchmark bench) {
      origin = bench.base.toString();
      client = new Http1Client(new InetSocketAddress(bench.base.getHost(), bench.base.getPort()));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      client.close();
    }

    /** The four requests of one flow below {@code mount}; the answers, in order. */
    List<Http1Client.Response> walk(String mount, String sessionId, String token) throws IOException {
      var answers = new ArrayList<Http1Client.Response>(4);
      answers.add(expect(200, client.send("GET", mount + "/entry?session=" + encode(sessionId) + "&token="
          + encode(token), List.of("Sec-Fetch-Site: none"), null), mount));
      var redeemed = expect(303, post(mount + "/entry", null, "session=" + encode(sessionId) + "&token="
          + encode(token)), mount);
      answers.add(redeemed);
      String cookie = redeemed.header("Set-Cookie").orElseThrow();
      cookie = cookie.substring(0, cookie.indexOf(';'));
      var page = expect(200, client.send("GET", mount + "/session", List.of("Cookie: " + cookie,
          "Sec-Fetch-Site: same-origin"), null), mount);
      answers.add(page);
      Matcher csrf = CSRF.matcher(new String(page.body(), StandardCharsets.UTF_8));
      if (!csrf.find()) {
        throw new IllegalStateException("no form token on the session page of " + mount);
      }
      answers.add(expect(303, post(mount + "/complete", cookie, "csrf=" + encode(csrf.group(1))), mount));
      return answers;
    }

    /** A form post as Chromium sends it from a page of the flow. */
    private Http1Client.Response post(String path, String cookie, String form) throws IOException {
      var headers = new ArrayList<>(List.of("Content-Type: application/x-www-form-urlencoded", "Origin: " + origin,
          "Sec-Fetch-Site: same-origin"));
      if (cookie != null) {
        headers.add("Cookie: " + cookie);
      }
      return client.send("POST", path, headers, form.getBytes(StandardCharsets.US_ASCII));
    }

    private static Http1Client.Response expect(int status, Http1Client.Response answer, String mount) {
      if (answer.status() != status) {
        throw new IllegalStateException("a request of the flow at " + mount + " was answered " + answer.status()
            + ", expected " + status);
      }
      return answer;
    }

    private static String encode(String value) {
      return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
  }

  /** The hosted flow through the servlet adapter, with the session created through the engine first. */
  @Benchmark
  public int handoffFlow(Browser browser) throws IOException {
    IssuedSession issued = engine.create(GigsSession.request());
    return browser.walk(MOUNT, issued.session().id(), issued.token().orElseThrow()).size();
  }

  /** The same four requests answered by the bare servlet. */
  @Benchmark
  public int bareFlow(Browser browser) throws IOException {
    return browser.walk(BARE, "csn_bare", bareToken).size();
  }

  /** For {@link BareFlowServlet}: the headers a recorded answer had, but those the container writes itself. */
  static List<Map.Entry<String, String>> replayedHeaders(Http1Client.Response answer) {
    var skipped = List.of("date", "server", "content-length", "connection", "set-cookie", "location");
    return answer.headers().stream().filter(h -> !skipped.contains(h.getKey().toLowerCase(Locale.ROOT))).toList();
  }
}
