package dev.handoff.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.handoff.SessionEvent;
import dev.handoff.examples.server.ApiKeys.Api;
import dev.handoff.examples.server.ApiKeys.Grant;
import dev.handoff.spi.User;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A started example server on an ephemeral port with known keys, a clock the test moves, and a captured "inbox"
 * of one-time codes; plus an HTTP client per simulated browser. Close it after the test class.
 */
final class ServerFixture implements AutoCloseable {
  static final String GIGS_KEY = "gigs-test-key-project-dev";
  static final String GIGS_OTHER_KEY = "gigs-test-key-project-other";
  static final String APIDECK_KEY = "apideck-test-key-app";
  static final String WORKSPACE_KEY = "workspace-test-key-dev";
  static final String OTHER_WORKSPACE = "4b0d9a54-6a59-4d0e-8f0f-6f4f3c2f1e11";
  static final String OTHER_WORKSPACE_KEY = "workspace-test-key-other";
  static final UUID OTHER_CUSTOMER = UUID.fromString("5c9e1d0a-7d44-4f3a-9b1e-2f6c8a4d3e22");
  static final String SEED_USER = SampleDirectory.GIGS_USER;
  static final String SEED_PLAN = "pln_0U32ZjA60Z7P8Y5vLtmvXaIMEiPr";
  static final String SEED_APP = SampleDirectory.APIDECK_APP;

  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final Pattern CONTINUE_FORM =
      Pattern.compile("<form id=\"continue\" method=\"post\" action=\"([^\"]+)\">(.*?)</form>", Pattern.DOTALL);
  private static final Pattern HIDDEN_INPUT =
      Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

  final TestClock clock = new TestClock(Instant.parse("2026-01-05T10:00:00Z"));
  final SampleDirectory directory = SampleDirectory.withSamples();
  final List<String[]> sentCodes = new CopyOnWriteArrayList<>();
  final List<SessionEvent> events = new CopyOnWriteArrayList<>();
  /** What the example's dev-mode {@link ConsoleOtpSender} printed. */
  private final java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
  final ExampleServer server;
  final URI base;
  /** A client without cookies, as an API caller is. */
  final HttpClient api = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  ServerFixture() throws IOException {
    this(null);
  }

  ServerFixture(String publicUrl) throws IOException {
    this(publicUrl, null);
  }

  ServerFixture(String publicUrl, String jdbcUrl) throws IOException {
    this(publicUrl, jdbcUrl, ExampleServer.Limits.defaults());
  }

  ServerFixture(String publicUrl, String jdbcUrl, ExampleServer.Limits limits) throws IOException {
    var keys = new ApiKeys(List.of(
        new Grant(Api.GIGS, "dev", GIGS_KEY),
        new Grant(Api.GIGS, "other", GIGS_OTHER_KEY),
        new Grant(Api.APIDECK, SEED_APP, APIDECK_KEY),
        new Grant(Api.CUSTOMER_SESSIONS, SampleDirectory.WORKSPACE, WORKSPACE_KEY),
        new Grant(Api.CUSTOMER_SESSIONS, OTHER_WORKSPACE, OTHER_WORKSPACE_KEY)));
    Instant joined = Instant.parse("2025-01-01T00:00:00Z");
    directory.addCustomer(new Customer(OTHER_CUSTOMER, OTHER_WORKSPACE, joined, null, Map.of(), null,
        "eve@example.com", false, "Eve", null, null, "individual"));
    directory.add(SampleDirectory.gigsTenant("dev"), new User("usr_grace", "grace@example.com", "Grace Hopper"));
    var devSender = new ConsoleOtpSender(new java.io.PrintStream(console, true, StandardCharsets.UTF_8));
    server = ExampleServer.start(new ExampleServer.Config(0, publicUrl, keys, directory,
        (tenant, session, email, code) -> {
          sentCodes.add(new String[] {email, code});
          devSender.send(tenant, session, email, code);
        }, clock, events::add, jdbcUrl, limits));
    base = URI.create("http://localhost:" + server.port());
  }

  /** A new browser: its own cookie jar, redirects not followed so that each hop can be checked. */
  static HttpClient browser() {
    return HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  URI uri(String path) {
    return base.resolve(path);
  }

  HttpResponse<String> send(HttpClient client, HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A JSON request; {@code headers} are name, value pairs. */
  HttpResponse<String> json(String method, String path, String body, String... headers) {
    var request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(api, request.build());
  }

  static String[] bearer(String key, String... more) {
    var headers = new ArrayList<String>(List.of("Authorization", "Bearer " + key));
    headers.addAll(List.of(more));
    return headers.toArray(String[]::new);
  }

  static JsonNode parse(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    try {
      return JsonBody.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  static JsonNode parseJson(String text) {
    try {
      return JsonBody.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The field names of a JSON object, in order. */
  static List<String> fields(JsonNode node) {
    var names = new ArrayList<String>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A GET in a browser. */
  HttpResponse<String> get(HttpClient browser, String pathOrUrl) {
    return send(browser, HttpRequest.newBuilder(base.resolve(pathOrUrl)).timeout(Duration.ofSeconds(10)).build());
  }

  /** A form POST in a browser; {@code fields} are name, value pairs. */
  HttpResponse<String> post(HttpClient browser, String path, String... fields) {
    return postWithHeaders(browser, path, List.of(), fields);
  }

  HttpResponse<String> postWithHeaders(HttpClient browser, String path, List<String> headers, String... fields) {
    var form = new StringBuilder();
    for (int i = 0; i < fields.length; i += 2) {
      form.append(form.length() == 0 ? "" : "&").append(URLEncoder.encode(fields[i], StandardCharsets.UTF_8))
          .append('=').append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
    }
    var request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
    for (int i = 0; i < headers.size(); i += 2) {
      request.header(headers.get(i), headers.get(i + 1));
    }
    return send(browser, request.build());
  }

  /** The CSRF form token in a page. */
  static String csrf(HttpResponse<String> page) {
    var m = CSRF.matcher(page.body());
    assertThat(m.find()).as("a form with a CSRF token in:\n%s", page.body()).isTrue();
    return m.group(1);
  }

  /**
   * Opens a hosted-page URL in the browser: the link shows the continue page (it never redeems on GET), whose form
   * posts the link's session and token; that redeems it, sets the cookie and redirects to the session page, which
   * is returned.
   */
  HttpResponse<String> open(HttpClient browser, String url) {
    var entry = get(browser, url);
    assertThat(entry.statusCode()).as(entry.body()).isEqualTo(200);
    var continued = continueFrom(browser, entry);
    assertThat(continued.statusCode()).as(continued.body()).isEqualTo(303);
    assertThat(continued.headers().firstValue("Location")).hasValue(base + "/checkout/session");
    var page = get(browser, "/checkout/session");
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    return page;
  }

  /** Presses Continue on the continue page: posts its hidden fields to its form's action, as a browser would. */
  HttpResponse<String> continueFrom(HttpClient browser, HttpResponse<String> continuePage) {
    return continueFrom(browser, continuePage, base.toString());
  }

  /** Presses Continue, the browser sending {@code origin} as the page's origin. */
  HttpResponse<String> continueFrom(HttpClient browser, HttpResponse<String> continuePage, String origin) {
    var form = CONTINUE_FORM.matcher(continuePage.body());
    assertThat(form.find()).as("the continue form in:\n%s", continuePage.body()).isTrue();
    var fields = new ArrayList<String>();
    var input = HIDDEN_INPUT.matcher(form.group(2));
    while (input.find()) {
      fields.add(input.group(1));
      fields.add(input.group(2).replace("&amp;", "&"));
    }
    return postWithHeaders(browser, URI.create(form.group(1)).getPath(), List.of("Origin", origin),
        fields.toArray(String[]::new));
  }

  /** The last code "emailed" to {@code email}; waits up to 10 s, since the engine sends codes off the caller's thread. */
  String lastCodeFor(String email) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      var code = sentCodes.stream().filter(c -> c[0].equals(email)).reduce((a, b) -> b).map(c -> c[1]);
      if (code.isPresent()) {
        return code.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no code sent to " + email);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  /** What the dev-mode console sender printed so far. */
  String console() {
    return console.toString(StandardCharsets.UTF_8);
  }

  /** The ids of a tenant's stored sessions, to prove that a rejected request stored nothing. */
  Set<String> sessionIds(String tenant) {
    return server.engines().hostedPages().list(tenant, null, 1000).sessions().stream()
        .map(dev.handoff.Session::id).collect(Collectors.toSet());
  }

  @Override
  public void close() {
    server.close();
  }
}
