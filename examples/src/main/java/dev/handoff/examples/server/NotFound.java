package dev.handoff.examples.server;

import java.io.IOException;
import java.util.Map;

/** Every path that belongs to no API: a plain JSON 404. */
final class NotFound extends Endpoint {
  @Override
  protected void serve(Exchange ex) throws IOException {
    ex.sendJson(404, Map.of("error", "not found"));
  }

  @Override
  protected void sendInternalError(Exchange ex) throws IOException {
    ex.sendJson(500, Map.of("error", "internal error"));
  }
}
