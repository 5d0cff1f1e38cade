package dev.handoff.examples.server;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/** Every path that belongs to no API: a plain JSON 404 (and no icon for browsers that ask for one). */
final class NotFound extends Endpoint {
  private static final long serialVersionUID = 1L;

  NotFound(Duration requestTimeout) {
    super(requestTimeout);
  }

  @Override
  protected void serve(Exchange ex) throws IOException {
    if (ex.path().equals("/favicon.ico")) {
      // Browsers ask every origin for an icon; the example has none, and a 404 would be an error in the console.
      ex.setHeader("Cache-Control", "public, max-age=86400");
      ex.sendEmpty(204);
      return;
    }
    ex.sendJson(404, Map.of("error", "not found"));
  }

  @Override
  protected void sendProblem(Exchange ex, int status, String message) throws IOException {
    ex.sendJson(status, Map.of("error", message));
  }
}
