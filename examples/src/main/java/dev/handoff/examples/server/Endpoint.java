package dev.handoff.examples.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A handler of one API or of the hosted pages: every request gets exactly one response, and an unexpected failure
 * is logged (method and path only, never the query, which may carry a token) and answered with a 500.
 */
abstract class Endpoint implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(Endpoint.class);

  @Override
  public final void handle(HttpExchange http) {
    var exchange = new Exchange(http);
    try {
      serve(exchange);
    } catch (RuntimeException | IOException e) {
      log.error("{} {} failed", exchange.method(), exchange.path(), e);
      if (!exchange.responseSent()) {
        try {
          sendInternalError(exchange);
        } catch (IOException | RuntimeException ignored) {
          // The client is gone; nothing more to do.
        }
      }
    } finally {
      exchange.close();
    }
  }

  /** Answers the request. */
  protected abstract void serve(Exchange exchange) throws IOException;

  /** Answers with a 500 in this API's own error shape. */
  protected abstract void sendInternalError(Exchange exchange) throws IOException;
}
