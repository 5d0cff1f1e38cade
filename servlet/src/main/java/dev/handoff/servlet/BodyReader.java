package dev.handoff.servlet;

import dev.handoff.web.HostedResponse;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads a request body with Servlet non-blocking I/O, at most a limit, then answers exactly once: with the
 * handler's response once the body is in, {@code 413} past the limit, {@code 408} when the request timeout comes
 * first, nothing when the client broke off. Container callbacks for one request may come on different threads, so
 * the one answer is guarded by a flag.
 */
final class BodyReader implements ReadListener, AsyncListener {
  /** What to do with the request once its body is in. */
  @FunctionalInterface
  interface Handler {
    void answer(HttpServletRequest request, HttpServletResponse response, byte[] body) throws IOException;
  }

  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final AsyncContext async;
  private final int maxBytes;
  private final Handler handler;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private final byte[] buffer = new byte[4096];
  private final AtomicBoolean answered = new AtomicBoolean();

  BodyReader(HttpServletRequest request, HttpServletResponse response, AsyncContext async, int maxBytes,
      Handler handler) {
    this.request = request;
    this.response = response;
    this.async = async;
    this.maxBytes = maxBytes;
    this.handler = handler;
  }

  @Override
  public void onDataAvailable() throws IOException {
    ServletInputStream in = request.getInputStream();
    while (!answered.get() && in.isReady() && !in.isFinished()) {
      int read = in.read(buffer);
      if (read < 0) {
        return;
      }
      if (body.size() + read > maxBytes) {
        // A chunked body past the limit: answer now; the container closes the connection.
        respondOnce(FallbackResponses.tooLarge(maxBytes));
        return;
      }
      body.write(buffer, 0, read);
    }
  }

  @Override
  public void onAllDataRead() {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    try {
      handler.answer(request, response, body.toByteArray());
    } catch (IOException | RuntimeException e) {
      // The client went away while the answer was written.
    } finally {
      async.complete();
    }
  }

  @Override
  public void onError(Throwable failure) {
    // The client broke off or the framing is broken: there is nobody to answer.
    if (answered.compareAndSet(false, true)) {
      async.complete();
    }
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    respondOnce(FallbackResponses.requestTimeout());
  }

  @Override
  public void onError(AsyncEvent event) {
    onError(event.getThrowable());
  }

  @Override
  public void onComplete(AsyncEvent event) {}

  @Override
  public void onStartAsync(AsyncEvent event) {}

  private void respondOnce(HostedResponse fallback) {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    try {
      response.setHeader("Connection", "close");
      ResponseWriter.write(fallback, response);
    } catch (IOException | RuntimeException e) {
      // The client is gone.
    } finally {
      async.complete();
    }
  }
}
