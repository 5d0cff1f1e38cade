package dev.handoff.examples.spring;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where end users land when they leave the hosted flow, if a session was created with {@code callbackUrl} pointing
 * here: a real application shows its own page (the subscription just bought, say).
 */
@RestController
class DonePage {

  @GetMapping(value = "/done", produces = MediaType.TEXT_HTML_VALUE)
  String done() {
    return """
        <!doctype html>
        <html lang="en"><meta charset="utf-8"><title>Back in the app</title>
        <h1>Back in the app</h1><p>Thanks, you are done.</p></html>
        """;
  }
}
