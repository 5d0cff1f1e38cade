package dev.handoff.examples.server;

import com.zaxxer.hikari.HikariDataSource;
import dev.handoff.Handoff;
import dev.handoff.IntentRegistry;
import dev.handoff.IntentType;
import dev.handoff.KeyRing;
import dev.handoff.LoginPolicy;
import dev.handoff.SessionListener;
import dev.handoff.Sweeper;
import dev.handoff.examples.server.ApiKeys.Api;
import dev.handoff.examples.server.ApiKeys.Grant;
import dev.handoff.servlet.HandoffServlet;
import dev.handoff.spi.OtpSender;
import dev.handoff.spi.SessionStore;
import dev.handoff.storage.jdbc.JdbcSessionStore;
import dev.handoff.storage.redis.RedisSessionStore;
import dev.handoff.storage.memory.CaffeineSessionStore;
import dev.handoff.web.HostedFlow;
import jakarta.servlet.Servlet;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The main job: one HTTP server that serves the three seed APIs (Gigs Connect Sessions, Apideck Vault Sessions,
 * Polar-style Customer Sessions) and their hosted pages, on Handoff and embedded Jetty (Servlet 6).
 *
 * <p>Run it with {@code ./mvnw -q -pl examples -am compile exec:java} (add {@code -Dexec.args="--port 9090"} for
 * another port). Dev mode: an in-memory store, a generated key, fresh API keys printed at start, sample users, and
 * one-time codes printed to the console. It listens on the loopback interface only.
 *
 * <p>One engine per API, so that each API's sessions get their own id prefix and intent types; all share one
 * store, key ring and user directory, so the hosted pages can serve any of them. A {@link Sweeper} runs in the
 * background, as on every node of a real deployment: it publishes the end of sessions nobody opens again
 * ({@code EXPIRED}, and {@code ABANDONED} for redeemed ones) and deletes ended sessions a day later.
 *
 * <p>Slow clients cannot stall it: Jetty parses request headers without holding a thread, bodies are read with
 * non-blocking I/O under a request timeout, idle connections are closed, and the thread pool is bounded.
 */
public final class ExampleServer implements AutoCloseable {
  /**
   * What a server runs with.
   *
   * @param port the port to listen on, 0 for any free one
   * @param publicUrl the base URL browsers reach it at, or {@code null} for {@code http://localhost:<port>}
   * @param keys the bearer keys it accepts
   * @param directory its users
   * @param otpSender how one-time codes reach the end user
   * @param clock the engines' clock
   * @param events told of every session event (they carry no token, URL or personal data)
   * @param storeUrl where to keep sessions: a JDBC URL (PostgreSQL, MariaDB/MySQL or H2), a {@code redis://} or
   *     {@code rediss://} URL (Redis or Valkey), or {@code null} for the in-memory store
   * @param limits the container's timeouts and threads
   */
  public record Config(int port, String publicUrl, ApiKeys keys, SampleDirectory directory, OtpSender otpSender,
      Clock clock, SessionListener events, String storeUrl, Limits limits) {
    public Config {
      Objects.requireNonNull(events, "events");
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(otpSender, "otpSender");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(limits, "limits");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535");
      }
    }

    /** Dev mode: fresh keys, the sample users, codes and session events printed to the console. */
    public static Config dev(int port, String publicUrl, String storeUrl) {
      return new Config(port, publicUrl, ApiKeys.generateDevKeys(), SampleDirectory.withSamples(),
          new ConsoleOtpSender(System.out), Clock.systemUTC(), event -> System.out.println("[event] "
              + event.type() + " " + event.session().id() + " (" + event.session().intent().type() + ", tenant "
              + event.session().tenant() + ")"), storeUrl, Limits.defaults());
    }
  }

  /**
   * The container's limits.
   *
   * @param maxThreads the most request threads (Jetty's selector and acceptor threads included)
   * @param idleTimeout how long a connection may stay silent, also halfway through a request's headers
   * @param requestTimeout how long a request's body may take to arrive, whatever its pace
   */
  public record Limits(int maxThreads, Duration idleTimeout, Duration requestTimeout) {
    public Limits {
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      if (maxThreads < 8) {
        throw new IllegalArgumentException("maxThreads must be at least 8 (Jetty needs some for itself)");
      }
      if (idleTimeout.isNegative() || idleTimeout.isZero() || requestTimeout.isNegative()
          || requestTimeout.isZero()) {
        throw new IllegalArgumentException("timeouts must be positive");
      }
    }

    /** 32 threads, 30 seconds of silence, 20 seconds for a body. */
    public static Limits defaults() {
      return new Limits(32, Duration.ofSeconds(30), Duration.ofSeconds(20));
    }
  }

  /** Where the hosted flow is mounted: its links are {@code <public URL>/checkout/entry?session=…&token=…}. */
  static final String HOSTED_FLOW_PATH = "/checkout";

  /** The engines: one per API, and one for the hosted pages; all on the same store and key ring. */
  record Engines(Handoff gigs, Handoff apideck, Handoff customerSessions, Handoff hostedPages,
      IntentRegistry intents) {}

  private final Server jetty;
  private final ServerConnector connector;
  private final AutoCloseable storeResources;
  private final String storeDescription;
  private final Engines engines;
  private final Sweeper sweeper;
  private final URI publicUrl;
  private final ApiKeys keys;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private ExampleServer(Server jetty, ServerConnector connector, AutoCloseable storeResources,
      String storeDescription, Engines engines, Sweeper sweeper, URI publicUrl, ApiKeys keys) {
    this.jetty = jetty;
    this.connector = connector;
    this.storeResources = storeResources;
    this.storeDescription = storeDescription;
    this.engines = engines;
    this.sweeper = sweeper;
    this.publicUrl = publicUrl;
    this.keys = keys;
  }

  /** Starts a server on the loopback interface; {@link #close()} stops it. */
  public static ExampleServer start(Config config) throws IOException {
    Limits limits = config.limits();
    var threads = new QueuedThreadPool(limits.maxThreads(), Math.min(8, limits.maxThreads()));
    threads.setName("example-server");
    threads.setDaemon(true);
    var jetty = new Server(threads);
    var http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    var connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
    connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    connector.setPort(config.port());
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    jetty.addConnector(connector);
    jetty.setStopTimeout(0); // Ctrl-C in dev mode: stop at once, not after idle keep-alive connections
    try {
      connector.open(); // binds now, so that the public URL can name the port
    } catch (IOException e) {
      throw new IOException("cannot listen on port " + config.port() + ": " + e.getMessage(), e);
    }
    URI publicUrl = URI.create(config.publicUrl() != null ? config.publicUrl()
        : "http://localhost:" + connector.getLocalPort());
    SessionStore store;
    AutoCloseable storeResources;
    String storeUrl = config.storeUrl();
    if (storeUrl == null) {
      store = CaffeineSessionStore.builder().clock(config.clock()).build();
      storeResources = () -> { };
    } else if (storeUrl.startsWith("redis://") || storeUrl.startsWith("rediss://")) {
      try {
        RedisSessionStore redis = RedisSessionStore.builder().uri(storeUrl).keyPrefix("handoff-example:").build();
        store = redis;
        storeResources = redis;
      } catch (RuntimeException e) {
        connector.close();
        throw e;
      }
    } else {
      var pool = new HikariDataSource();
      pool.setJdbcUrl(storeUrl);
      pool.setPoolName("handoff-example");
      try {
        // The example creates its table; a production server runs the schema files with its migrations.
        store = JdbcSessionStore.builder(pool).tablePrefix("handoff_example_").createSchemaIfMissing().build();
      } catch (RuntimeException e) {
        pool.close();
        connector.close();
        throw e;
      }
      storeResources = pool;
    }
    Engines engines = engines(config, store, publicUrl.toString() + HOSTED_FLOW_PATH + "/entry");
    // The hosted pages: Handoff's hosted flow (handoff-web) through its servlet (handoff-servlet).
    HostedFlow flow = HostedFlow.builder(engines.hostedPages()).publicUrl(publicUrl.toString())
        .mountPath(HOSTED_FLOW_PATH).intents(engines.intents()).build();
    Duration timeout = limits.requestTimeout();
    var context = new ServletContextHandler();
    context.setContextPath("/");
    mount(context, "/projects/*", new GigsConnectSessions(engines.gigs(), config.keys(), timeout));
    mount(context, "/vault/*", new ApideckVaultSessions(engines.apideck(), config.keys(), config.directory(),
        timeout));
    mount(context, "/api/*", new CustomerSessions(engines.customerSessions(), config.keys(), config.directory(),
        timeout));
    mount(context, HOSTED_FLOW_PATH + "/*", HandoffServlet.builder(flow).requestTimeout(timeout).build());
    mount(context, "/", new NotFound(timeout));
    jetty.setHandler(context);
    try {
      jetty.start();
    } catch (Exception e) {
      closeQuietly(storeResources);
      throw new IOException("the server did not start: " + e.getMessage(), e);
    }
    // Any engine sweeps the whole store; the hosted pages' one knows every intent type, and all publish to the
    // same listener.
    Sweeper sweeper = Sweeper.builder(engines.hostedPages()).build().start();
    // Never the whole URL: it may hold a password.
    String storeDescription = storeUrl == null ? "in-memory store"
        : store instanceof RedisSessionStore ? "Redis store" : "JDBC store (" + storeUrl.split(":")[1] + ")";
    return new ExampleServer(jetty, connector, storeResources, storeDescription, engines, sweeper, publicUrl,
        config.keys());
  }

  private static void mount(ServletContextHandler context, String pathSpec, Servlet servlet) {
    var holder = new ServletHolder(servlet);
    holder.setAsyncSupported(true);
    context.addServlet(holder, pathSpec);
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      System.err.println("closing the session store failed: " + e);
    }
  }

  private static Engines engines(Config config, SessionStore store, String hostedPageUrl) {
    byte[] master = new byte[KeyRing.MASTER_SECRET_BYTES];
    new SecureRandom().nextBytes(master);
    // Generated at every start (dev mode): URLs do not survive a restart. A real server loads its master secret.
    KeyRing keys = KeyRing.fromMasterSecret("dev", master);
    SessionListener audit = config.events();
    var all = new ArrayList<IntentType>();
    all.addAll(GigsConnectSessions.intentTypes());
    all.addAll(ApideckVaultSessions.intentTypes());
    all.addAll(CustomerSessions.intentTypes());
    Handoff gigs = engine(config, store, keys, hostedPageUrl, GigsConnectSessions.intentTypes()).idPrefix("csn_")
        .listener(audit).build();
    Handoff apideck = engine(config, store, keys, hostedPageUrl, ApideckVaultSessions.intentTypes())
        .idPrefix("vss_").listener(audit).build();
    Handoff customerSessions = engine(config, store, keys, hostedPageUrl, CustomerSessions.intentTypes())
        .idPrefix("cus_").listener(audit).build();
    // Redeeming, signing in and completing do not depend on the creating API; sign-up lets a new email in.
    Handoff hostedPages = engine(config, store, keys, hostedPageUrl, all).otpSender(config.otpSender())
        .loginPolicy(LoginPolicy.defaults().withSignUp(true)).listener(audit).build();
    return new Engines(gigs, apideck, customerSessions, hostedPages, registry(all));
  }

  private static Handoff.Builder engine(Config config, SessionStore store, KeyRing keys, String hostedPageUrl,
      List<IntentType> intents) {
    return Handoff.builder().store(store).keys(keys).userDirectory(config.directory()).clock(config.clock())
        .hostedPageUrl(hostedPageUrl).intents(registry(intents));
  }

  private static IntentRegistry registry(List<IntentType> intents) {
    return IntentRegistry.of(intents.toArray(IntentType[]::new));
  }

  /** The port it listens on. */
  public int port() {
    return connector.getLocalPort();
  }

  /** The base URL browsers reach it at. */
  public URI publicUrl() {
    return publicUrl;
  }

  /** The bearer keys it accepts. */
  public ApiKeys keys() {
    return keys;
  }

  Engines engines() {
    return engines;
  }

  Sweeper sweeper() {
    return sweeper;
  }

  /** Stops at once: closes the connections (requests still running are cut off), the sweeper and the store. */
  @Override
  public void close() {
    try {
      jetty.stop();
    } catch (Exception e) {
      System.err.println("stopping the server failed: " + e);
    }
    sweeper.close();
    closeQuietly(storeResources);
    stopped.countDown();
  }

  /** Waits until {@link #close()} ran. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Starts the server with {@code --port N}, {@code --public-url URL}, {@code --jdbc-url URL} or
   * {@code --redis-url URL}.
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    CommandLine commandLine;
    try {
      commandLine = CommandLine.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }
    if (commandLine.help()) {
      System.out.println(USAGE);
      return;
    }
    ExampleServer server = start(Config.dev(commandLine.port(), commandLine.publicUrl(), commandLine.storeUrl()));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("Stopping the example server.");
      server.close();
    }, "example-server-shutdown"));
    // Dev mode prints the keys it accepts: they are generated now and die with the process.
    printBanner(System.out, server);
    server.awaitStop();
  }

  /** The command line's options. */
  record CommandLine(int port, String publicUrl, String jdbcUrl, String redisUrl, boolean help) {
    /** The one store URL given, or {@code null} for the in-memory store. */
    String storeUrl() {
      return jdbcUrl != null ? jdbcUrl : redisUrl;
    }

    /** @throws IllegalArgumentException with the message to show, for an invalid or unavailable option */
    static CommandLine parse(String... args) {
      int port = 8080;
      String publicUrl = null;
      String jdbcUrl = null;
      String redisUrl = null;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--port" -> port = port(value(args, ++i, arg));
          case "--public-url" -> publicUrl = publicUrl(value(args, ++i, arg));
          case "--jdbc-url" -> jdbcUrl = jdbcUrl(value(args, ++i, arg));
          case "--redis-url" -> redisUrl = redisUrl(value(args, ++i, arg));
          case "--help", "-h" -> {
            return new CommandLine(port, publicUrl, jdbcUrl, redisUrl, true);
          }
          default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
        }
      }
      if (jdbcUrl != null && redisUrl != null) {
        throw new IllegalArgumentException("give --jdbc-url or --redis-url, not both");
      }
      return new CommandLine(port, publicUrl, jdbcUrl, redisUrl, false);
    }

    private static String redisUrl(String value) {
      if (!value.startsWith("redis://") && !value.startsWith("rediss://")) {
        throw new IllegalArgumentException("--redis-url needs a Redis URL like redis://127.0.0.1:6379");
      }
      return value;
    }

    private static String jdbcUrl(String value) {
      if (!value.startsWith("jdbc:")) {
        throw new IllegalArgumentException("--jdbc-url needs a JDBC URL like jdbc:postgresql://127.0.0.1:5432/test"
            + "?user=postgres");
      }
      return value;
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length || args[i].startsWith("--")) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    private static int port(String value) {
      try {
        int port = Integer.parseInt(value);
        if (port >= 0 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("--port needs a number from 0 to 65535");
    }

    private static String publicUrl(String value) {
      try {
        URI uri = new URI(value);
        String scheme = uri.getScheme();
        if (("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null
            && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
            && uri.getRawQuery() == null && uri.getRawFragment() == null) {
          return scheme + "://" + uri.getRawAuthority();
        }
      } catch (URISyntaxException e) {
        // reported below
      }
      throw new IllegalArgumentException("--public-url needs a base URL like https://connect.example.com");
    }
  }

  private static final String USAGE = """
      usage: ./mvnw -q -pl examples -am compile exec:java [-Dexec.args="OPTIONS"]
        --port N          port to listen on (default 8080; 0 for any free one)
        --public-url URL  base URL browsers use (default http://localhost:<port>)
        --jdbc-url URL    keep sessions in PostgreSQL, MariaDB/MySQL or H2 instead of memory
                          (e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres)
        --redis-url URL   keep sessions in Redis or Valkey instead (e.g. redis://127.0.0.1:6379)""";

  static void printBanner(PrintStream out, ExampleServer server) {
    ApiKeys keys = server.keys();
    String base = server.publicUrl().toString();
    out.println();
    out.println("Handoff example server on " + base + "  (dev mode: " + server.storeDescription
        + ", generated key; Ctrl-C stops)");
    out.println();
    out.println("API keys accepted (fresh at every start):");
    for (Grant grant : keys.grants()) {
      out.println("  export " + envName(grant.api()) + "=" + grant.key() + "   # " + describe(grant));
    }
    out.println();
    out.println("Create a Gigs connect session for the sample user and open its \"url\" in a browser:");
    Grant gigs = keys.grants().stream().filter(g -> g.api() == Api.GIGS).findFirst().orElseThrow();
    out.println("  curl -s " + base + "/projects/" + gigs.account() + "/connectSessions -H 'Authorization: Bearer "
        + gigs.key() + "' -H 'Content-Type: application/json' -d '{\"callbackUrl\": \"https://example.com\", "
        + "\"intent\": {\"type\": \"checkoutNewSubscription\", \"checkoutNewSubscription\": {\"plan\": "
        + "\"pln_0U32ZjA60Z7P8Y5vLtmvXaIMEiPr\"}}, \"user\": \"" + SampleDirectory.GIGS_USER + "\"}'");
    out.println();
    out.println("More (Apideck, Customer Sessions, unauthenticated sessions): examples/README.md");
    out.println();
  }

  private static String envName(Api api) {
    return switch (api) {
      case GIGS -> "GIGS_TOKEN";
      case APIDECK -> "APIDECK_KEY";
      case CUSTOMER_SESSIONS -> "WORKSPACE_TOKEN";
    };
  }

  private static String describe(Grant grant) {
    return switch (grant.api()) {
      case GIGS -> "Gigs project '" + grant.account() + "'";
      case APIDECK -> "Apideck app '" + grant.account() + "', any consumer id";
      case CUSTOMER_SESSIONS -> "workspace '" + grant.account() + "' (customer " + SampleDirectory.CUSTOMER + ")";
    };
  }
}
