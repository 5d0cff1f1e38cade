package dev.handoff.servlet;

import dev.handoff.web.HostedFlow;
import dev.handoff.web.HostedResponse;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosted flow of Handoff as one servlet, for any Jakarta Servlet 6 container: Tomcat, Jetty, Undertow, and
 * Spring MVC (register it with a {@code ServletRegistrationBean}, or from a {@code ServletContextInitializer} with
 * {@link #register}). Each request below the flow's mount path is handed to {@link HostedFlow#handle} and its
 * {@link HostedResponse} written back as it is.
 *
 * <pre>{@code
 * HostedFlow flow = HostedFlow.builder(handoff)
 *     .publicUrl("https://connect.example.com").mountPath("/checkout").build();
 * HandoffServlet.builder(flow).build().register(servletContext);   // maps it at /checkout/*
 * }</pre>
 *
 * <p>The servlet must be mapped at {@code <mountPath>/*} relative to its context: a flow mounted at
 * {@code /app/checkout} in a context {@code /app} is mapped at {@code /checkout/*}. {@link #register} does that;
 * a mapping that does not match the flow's mount path fails at {@link #init()}, naming the mapping to use.
 *
 * <p>Slow clients hold no thread: a request body that did not arrive with the headers is read with Servlet
 * non-blocking I/O before the flow sees the request, at most {@link Builder#maxFormBytes} bytes (else
 * {@code 413}) and within {@link Builder#requestTimeout} (else {@code 408}). Every header written comes from a {@link HostedResponse},
 * which admits printable ASCII only, and is checked once more here before the container sees it. The servlet is
 * asynchronous ({@code asyncSupported} must be set where it is registered by other means than {@link #register}).
 *
 * <p>Thread-safe: one instance serves all requests.
 */
public final class HandoffServlet extends HttpServlet {
  /** Far more than any form of the hosted flow needs (the largest carries an email address and a token). */
  public static final int DEFAULT_MAX_FORM_BYTES = 16 * 1024;
  /** How long a request's body may take to arrive by default. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(20);

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(HandoffServlet.class);
  private static final byte[] NO_BODY = {};

  private final transient HostedFlow flow;
  private final int maxFormBytes;
  private final long requestTimeoutMillis;

  private HandoffServlet(Builder builder) {
    this.flow = builder.flow;
    this.maxFormBytes = builder.maxFormBytes == null ? DEFAULT_MAX_FORM_BYTES : builder.maxFormBytes;
    this.requestTimeoutMillis = (builder.requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : builder.requestTimeout)
        .toMillis();
  }

  /** A servlet for the flow with the default limits. */
  public static HandoffServlet of(HostedFlow flow) {
    return builder(flow).build();
  }

  /** Starts configuring a servlet for the flow. */
  public static Builder builder(HostedFlow flow) {
    return new Builder(Objects.requireNonNull(flow, "flow"));
  }

  /**
   * Adds this servlet to {@code context}, asynchronous and mapped at the flow's mount path below the context path,
   * and returns the registration for further settings. Call it while the context starts (from a
   * {@code ServletContainerInitializer}, a {@code ServletContextListener} or Spring's
   * {@code ServletContextInitializer}).
   *
   * @throws IllegalStateException if the flow's mount path is not inside the context's path
   */
  public ServletRegistration.Dynamic register(ServletContext context) {
    String mapping = mappingIn(context.getContextPath());
    ServletRegistration.Dynamic registration = context.addServlet("handoff:" + flow.mountPath(), this);
    if (registration == null) {
      throw new IllegalStateException("a servlet named handoff:" + flow.mountPath() + " is registered already");
    }
    registration.setAsyncSupported(true);
    registration.addMapping(mapping);
    return registration;
  }

  /** The servlet mapping, relative to a context at {@code contextPath}, that serves the flow's mount path. */
  String mappingIn(String contextPath) {
    String mountPath = flow.mountPath();
    if (!mountPath.equals(contextPath) && !mountPath.startsWith(contextPath + "/")) {
      throw new IllegalStateException("the flow is mounted at '" + mountPath + "', outside the servlet context '"
          + contextPath + "'; build the flow with a mountPath below the context path, e.g. mountPath(\""
          + contextPath + "/checkout\")");
    }
    return mountPath.substring(contextPath.length()) + "/*";
  }

  /** Checks that the servlet is mapped where the flow's pages link to. */
  @Override
  public void init() throws ServletException {
    ServletContext context = getServletContext();
    ServletRegistration registration = context.getServletRegistration(getServletName());
    if (registration == null) {
      return; // the container does not say; the flow's links still name the mount path
    }
    String expected;
    try {
      expected = mappingIn(context.getContextPath());
    } catch (IllegalStateException e) {
      throw new ServletException(e.getMessage(), e);
    }
    Collection<String> mappings = registration.getMappings();
    if (!mappings.contains(expected)) {
      throw new ServletException("HandoffServlet serves the flow mounted at '" + flow.mountPath()
          + "', so in the context '" + context.getContextPath() + "' it must be mapped at '" + expected
          + "'; it is mapped at " + mappings + " (HandoffServlet.register maps it correctly)");
    }
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    long declared = request.getContentLengthLong();
    boolean chunked = request.getHeader("Transfer-Encoding") != null;
    if (declared == 0 || declared < 0 && !chunked) {
      answer(request, response, NO_BODY);
      return;
    }
    if (declared > maxFormBytes) {
      response.setHeader("Connection", "close");
      ResponseWriter.write(FallbackResponses.tooLarge(maxFormBytes), response);
      return;
    }
    ServletInputStream in = request.getInputStream();
    if (declared > 0 && in.available() >= declared) {
      // The whole body came with the headers (a browser's small form post nearly always does): reading what is
      // there already cannot block, so no asynchronous read (a request timer set and cancelled, the async state
      // machine, a second dispatch) is needed.
      byte[] body = in.readNBytes((int) declared);
      if (body.length == declared) {
        answer(request, response, body);
      } // else the client broke off before the end of what it declared: there is nobody to answer
      return;
    }
    // Read the body as it arrives, without holding a thread, then answer on the container's thread.
    AsyncContext async = request.startAsync();
    async.setTimeout(requestTimeoutMillis);
    var reader = new BodyReader(request, response, async, maxFormBytes, this::answer);
    async.addListener(reader);
    in.setReadListener(reader);
  }

  /** Hands the request with its body to the flow and writes the answer. */
  private void answer(HttpServletRequest request, HttpServletResponse response, byte[] body) throws IOException {
    HostedResponse answer;
    try {
      answer = flow.handle(new ServletHostedRequest(request, body));
    } catch (RuntimeException e) {
      // The path only: the query may carry a token.
      log.error("hosted flow failed on {} {}", request.getMethod(), request.getRequestURI(), e);
      answer = FallbackResponses.internalError();
    }
    ResponseWriter.write(answer, response);
  }

  @Override
  public String toString() {
    return "HandoffServlet[" + flow + ", maxFormBytes=" + maxFormBytes + ", requestTimeout="
        + Duration.ofMillis(requestTimeoutMillis) + "]";
  }

  /**
   * Configures a {@link HandoffServlet}. Each property may be set once: a second call fails at once with
   * {@link IllegalStateException}. Not thread-safe.
   */
  public static final class Builder {
    private final HostedFlow flow;
    private Integer maxFormBytes;
    private Duration requestTimeout;

    private Builder(HostedFlow flow) {
      this.flow = flow;
    }

    /**
     * The largest request body read, 16 KiB by default; a larger one is answered
     * with {@code 413} and not read.
     *
     * @throws IllegalArgumentException unless 1 KiB to 1 MiB
     */
    public Builder maxFormBytes(int maxFormBytes) {
      if (maxFormBytes < 1024 || maxFormBytes > 1024 * 1024) {
        throw new IllegalArgumentException("maxFormBytes must be 1024 to 1048576, got " + maxFormBytes);
      }
      if (this.maxFormBytes != null) {
        throw new IllegalStateException("maxFormBytes was already set to " + this.maxFormBytes);
      }
      this.maxFormBytes = maxFormBytes;
      return this;
    }

    /**
     * How long a request's body may take to arrive, 20 seconds by default; a slower one is answered with
     * {@code 408}.
     *
     * @throws IllegalArgumentException unless 1 second to 10 minutes
     */
    public Builder requestTimeout(Duration requestTimeout) {
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      if (requestTimeout.compareTo(Duration.ofSeconds(1)) < 0
          || requestTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("requestTimeout must be 1 second to 10 minutes, got " + requestTimeout);
      }
      if (this.requestTimeout != null) {
        throw new IllegalStateException("requestTimeout was already set to " + this.requestTimeout);
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /** The servlet. */
    public HandoffServlet build() {
      return new HandoffServlet(this);
    }
  }
}
