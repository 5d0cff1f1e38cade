package dev.handoff.web;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request to the hosted flow, as a server adapter presents it to {@link HostedFlow#handle}. The adapter
 * (a servlet, a Spring controller, a JDK {@code HttpServer} handler) implements this view over its own request
 * type; tests and simple servers can use {@link #builder}.
 *
 * <p>Every value is untrusted input exactly as the client sent it, decoded: the flow validates it. Where a name
 * occurs more than once (a query parameter, a header, a cookie), an implementation answers with the first
 * occurrence. Implementations need not be thread-safe: the flow reads a request on the thread that handles it.
 */
public interface HostedRequest {

  /** The HTTP method in upper case, e.g. {@code GET}, {@code HEAD}, {@code POST}. */
  String method();

  /**
   * The path below the mount point, starting with {@code /}, without query, percent-decoded: for a flow mounted
   * at {@code /checkout}, a request to {@code /checkout/entry?token=…} has path {@code /entry}. The mount point
   * itself is {@code /}.
   */
  String path();

  /** The first value of a query-string parameter, decoded; empty when absent. */
  Optional<String> queryParameter(String name);

  /**
   * The first value of a parameter of an {@code application/x-www-form-urlencoded} request body, decoded; empty
   * when absent or when the request has no such body. The adapter bounds the body's size (a few kilobytes are
   * plenty for every form of the flow).
   */
  Optional<String> formParameter(String name);

  /** The first value of a request header; {@code name} is case-insensitive. */
  Optional<String> header(String name);

  /** The value of the first cookie called {@code name} (case-sensitive, as cookie names are). */
  Optional<String> cookie(String name);

  /**
   * The client's IP address as the server determined it, if known: recorded in the session's access log as the
   * engine's address policy keeps it. The flow reads no forwarding header; behind a reverse proxy, what this is
   * depends on the server's own configuration (see {@code docs/privacy.md}).
   */
  Optional<String> clientAddress();

  /** The {@code User-Agent} header, if any. */
  default Optional<String> userAgent() {
    return header("User-Agent");
  }

  /** Starts building a request, for tests and for servers without a request type of their own. */
  static Builder builder(String method, String path) {
    return new Builder(method, path);
  }

  /**
   * Builds an immutable {@link HostedRequest}. Each {@code put}-style method keeps the first value given for a name.
   * Not thread-safe; the built request is immutable and thread-safe.
   */
  final class Builder {
    private final String method;
    private final String path;
    private final Map<String, String> query = new LinkedHashMap<>();
    private final Map<String, String> form = new LinkedHashMap<>();
    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private String clientAddress;

    private Builder(String method, String path) {
      this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
      this.path = Objects.requireNonNull(path, "path");
    }

    /** Adds a query-string parameter. */
    public Builder query(String name, String value) {
      query.putIfAbsent(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Adds a form parameter of the request body. */
    public Builder form(String name, String value) {
      form.putIfAbsent(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Adds a header. */
    public Builder header(String name, String value) {
      headers.putIfAbsent(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Adds a cookie. */
    public Builder cookie(String name, String value) {
      cookies.putIfAbsent(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Sets the client's address. */
    public Builder clientAddress(String clientAddress) {
      this.clientAddress = Objects.requireNonNull(clientAddress, "clientAddress");
      return this;
    }

    /** The request. */
    public HostedRequest build() {
      var caseInsensitive = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
      caseInsensitive.putAll(headers);
      return new BuiltRequest(method, path, Map.copyOf(query), Map.copyOf(form),
          Collections.unmodifiableMap(caseInsensitive), Map.copyOf(cookies), clientAddress);
    }
  }
}
