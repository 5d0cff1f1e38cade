package dev.handoff;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J provider for core's tests that keeps every log line, at every level, with its stack trace, so that
 * tests can prove that no secret is ever logged. Registered through META-INF/services.
 */
public final class CapturedLogs implements SLF4JServiceProvider {
  private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();

  /** Every line logged so far in this JVM, including formatted arguments and stack traces. */
  static List<String> lines() {
    return List.copyOf(LINES);
  }

  private final ILoggerFactory factory = CapturingLogger::new;
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  private static final class CapturingLogger extends AbstractLogger {
    private static final long serialVersionUID = 1L;

    /**
     * Everything of Handoff's own, at every level. Database and Redis clients and pools only from INFO up: at TRACE
     * they dump the wire, rows and commands included, which is their user's choice to enable and not Handoff's
     * logging.
     */
    private final boolean verbose;

    CapturingLogger(String name) {
      this.name = name;
      this.verbose = !(name.startsWith("org.mariadb.") || name.startsWith("org.postgresql.")
          || name.startsWith("org.h2.") || name.startsWith("com.zaxxer.") || name.startsWith("io.lettuce.")
          || name.startsWith("io.netty."));
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
        Throwable t) {
      var line = new StringBuilder(level + " " + name + " " + MessageFormatter.basicArrayFormat(pattern, args));
      if (t != null) {
        var trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        line.append('\n').append(trace);
      }
      LINES.add(line.toString());
    }

    @Override
    public boolean isTraceEnabled() {
      return verbose;
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
      return verbose;
    }

    @Override
    public boolean isDebugEnabled() {
      return verbose;
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
      return verbose;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
      return true;
    }
  }
}
