package dev.handoff.servlet;

import dev.handoff.Handoff;
import dev.handoff.IntentRegistry;
import dev.handoff.IntentType;
import dev.handoff.KeyRing;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import dev.handoff.spi.UserDirectory;
import dev.handoff.storage.memory.CaffeineSessionStore;
import dev.handoff.web.HostedFlow;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An embedded Jetty 12 (ee10) on a free loopback port with one servlet context, and a Handoff engine on the
 * in-memory store whose hosted flow is mounted in that context. Close it after the test.
 */
final class Container implements AutoCloseable {
  static final String TENANT = "t1";
  static final User ADA = new User("usr_ada", "ada@example.com", "Ada Lovelace");

  final Server jetty;
  final ServerConnector connector;
  final URI base;
  final Handoff handoff;
  final HostedFlow flow;

  /**
   * @param contextPath the servlet context's path, e.g. {@code /app}, or {@code ""} for the root
   * @param mountPath the flow's public mount path, e.g. {@code /app/checkout}
   * @param setup adds servlets to the context while it starts, e.g. the flow's servlet
   */
  Container(String contextPath, String mountPath, int maxThreads, Consumer<Setup> setup) throws Exception {
    var threads = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
    threads.setName("servlet-test");
    jetty = new Server(threads);
    connector = new ServerConnector(jetty);
    connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    connector.setPort(0);
    jetty.addConnector(connector);
    connector.open();
    base = URI.create("http://localhost:" + connector.getLocalPort());
    byte[] master = new byte[KeyRing.MASTER_SECRET_BYTES];
    handoff = Handoff.builder().store(CaffeineSessionStore.builder().build()).userDirectory(new Directory())
        .keys(KeyRing.fromMasterSecret("test", master))
        .hostedPageUrl(base + mountPath + "/entry")
        .intents(IntentRegistry.of(IntentType.builder("checkout").required("plan", String.class).build()))
        .build();
    flow = HostedFlow.builder(handoff).publicUrl(base.toString()).mountPath(mountPath).build();
    var context = new ServletContextHandler();
    context.setContextPath(contextPath.isEmpty() ? "/" : contextPath);
    context.addEventListener(new ServletContextListener() {
      @Override
      public void contextInitialized(ServletContextEvent event) {
        setup.accept(new Setup(context, event.getServletContext(), flow));
      }
    });
    jetty.setHandler(context);
    try {
      jetty.start();
    } catch (Exception e) {
      jetty.stop();
      throw e;
    }
  }

  /** What a test adds to the context while it starts. */
  record Setup(ServletContextHandler handler, jakarta.servlet.ServletContext context, HostedFlow flow) {}

  /** A browser-like GET. */
  HttpResponse<String> get(HttpClient client, String path, String... headers) throws IOException,
      InterruptedException {
    var request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A browser-like form POST of an already encoded body. */
  HttpResponse<String> post(HttpClient client, String path, String body, String... headers) throws IOException,
      InterruptedException {
    var request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.setHeader(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpClient client() {
    return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .cookieHandler(new java.net.CookieManager(null, java.net.CookiePolicy.ACCEPT_ALL)).build();
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
  }

  /** One user, Ada, in one tenant. */
  private static final class Directory implements UserDirectory {
    private final Map<String, User> users = Map.of(ADA.id(), ADA);

    @Override
    public Optional<User> findById(String tenant, String userId) {
      return TENANT.equals(tenant) ? Optional.ofNullable(users.get(userId)) : Optional.empty();
    }

    @Override
    public Optional<User> findByEmail(String tenant, String email) {
      return users.values().stream().filter(u -> TENANT.equals(tenant) && u.email().equalsIgnoreCase(email))
          .findFirst();
    }

    @Override
    public User create(String tenant, UserDetails details) {
      throw new UnsupportedOperationException("no sign-up in these tests");
    }
  }
}
