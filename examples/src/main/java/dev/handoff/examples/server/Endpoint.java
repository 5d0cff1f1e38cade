package dev.handoff.examples.server;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet of one API: every request gets exactly one response, and an unexpected failure is logged (method and
 * path only, never the query, which may carry a token) and answered with a 500.
 *
 * <p>The body is read without blocking (Servlet async I/O) before the API sees the request, so a client that sends
 * it slowly holds no thread; past {@link Exchange#MAX_BODY_BYTES} it is dropped (a 413 follows), and a body that has
 * not arrived within the request timeout is answered with a 408.
 */
abstract class Endpoint extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(Endpoint.class);
  /** How much of an oversized body is still read (and dropped) so that the 413 reaches the client. */
  private static final long MAX_DRAINED_BYTES = 1024 * 1024;

  private final transient Duration requestTimeout;

  Endpoint(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  @Override
  protected final void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    AsyncContext async = request.startAsync();
    async.setTimeout(requestTimeout.toMillis());
    var reader = new BodyReader(request, response, async);
    async.addListener(reader);
    request.getInputStream().setReadListener(reader);
  }

  /** Answers the request. */
  protected abstract void serve(Exchange exchange) throws IOException;

  /** Answers with {@code status} (500, 408) in this API's own error shape. */
  protected abstract void sendProblem(Exchange exchange, int status, String message) throws IOException;

  /** Reads the body as it arrives, then answers once: with the API's response, or a 408 on timeout. */
  private final class BodyReader implements ReadListener, AsyncListener {
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final AsyncContext async;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final byte[] buffer = new byte[8192];
    private final AtomicBoolean answered = new AtomicBoolean();
    private long received;

    BodyReader(HttpServletRequest request, HttpServletResponse response, AsyncContext async) {
      this.request = request;
      this.response = response;
      this.async = async;
    }

    @Override
    public void onDataAvailable() throws IOException {
      ServletInputStream in = request.getInputStream();
      while (in.isReady() && !in.isFinished()) {
        int read = in.read(buffer);
        if (read < 0) {
          break;
        }
        received += read;
        if (received <= Exchange.MAX_BODY_BYTES) {
          body.write(buffer, 0, read);
        } else if (received > MAX_DRAINED_BYTES) {
          answer(null); // enough was drained: the container closes the connection after the 413
          return;
        }
      }
    }

    @Override
    public void onAllDataRead() {
      answer(received <= Exchange.MAX_BODY_BYTES ? body.toByteArray() : null);
    }

    @Override
    public void onError(Throwable failure) {
      // The client went away or broke the framing; there is nobody left to answer.
      if (answered.compareAndSet(false, true)) {
        async.complete();
      }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      if (answered.compareAndSet(false, true)) {
        var exchange = new Exchange(request, response, new byte[0]);
        try {
          exchange.setHeader("Connection", "close");
          sendProblem(exchange, 408, "the request was not received in time");
        } catch (IOException | RuntimeException e) {
          // The client is gone.
        } finally {
          async.complete();
        }
      }
    }

    private void answer(byte[] bytes) {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      var exchange = new Exchange(request, response, bytes);
      try {
        serve(exchange);
      } catch (RuntimeException | IOException e) {
        log.error("{} {} failed", exchange.method(), exchange.path(), e);
        if (!exchange.responseSent()) {
          try {
            sendProblem(exchange, 500, "internal error");
          } catch (IOException | RuntimeException ignored) {
            // The client is gone; nothing more to do.
          }
        }
      } finally {
        async.complete();
      }
    }

    @Override
    public void onComplete(AsyncEvent event) {}

    @Override
    public void onError(AsyncEvent event) {
      onError(event.getThrowable());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {}
  }
}
