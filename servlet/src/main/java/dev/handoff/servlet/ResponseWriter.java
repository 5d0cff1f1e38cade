package dev.handoff.servlet;

import dev.handoff.web.HostedResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Writes a {@link HostedResponse} to a servlet response, exactly: status, every header in order, the body. */
final class ResponseWriter {
  private ResponseWriter() {}

  static void write(HostedResponse answer, HttpServletResponse response) throws IOException {
    for (HostedResponse.Header header : answer.headers()) {
      if (!printableAscii(header.value())) {
        // HostedResponse admits none; checked again because a container writes what it is given.
        throw new IllegalStateException("header " + header.name() + " holds a character that is not printable "
            + "ASCII; refusing to write it");
      }
    }
    response.setStatus(answer.status());
    for (HostedResponse.Header header : answer.headers()) {
      response.addHeader(header.name(), header.value());
    }
    response.setContentLength(answer.bodyLength());
    if (answer.bodyLength() > 0) {
      // All of Content-Length in one write: the container completes the response with it, no flush needed.
      answer.writeBodyTo(response.getOutputStream());
    }
  }

  static boolean printableAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }
}
