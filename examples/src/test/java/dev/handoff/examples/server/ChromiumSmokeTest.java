package dev.handoff.examples.server;

import static dev.handoff.examples.server.ServerFixture.GIGS_KEY;
import static dev.handoff.examples.server.ServerFixture.bearer;
import static dev.handoff.examples.server.ServerFixture.parse;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

class ChromiumSmokeTest {
  @Test
  void opensAPage() throws Exception {
    try (var fx = new ServerFixture(); var chromium = Chromium.start()) {
      var created = fx.json("POST", "/projects/dev/connectSessions", GigsConnectSessionsTest.SEED_REQUEST,
          bearer(GIGS_KEY));
      chromium.driver().get(parse(created).get("url").asText());
      assertThat(chromium.driver().findElement(By.tagName("h1")).getText()).isNotBlank();
      chromium.screenshot("smoke");
      System.out.println("CONSOLE " + chromium.consoleProblems());
      chromium.driver().findElement(By.cssSelector("button")).click();
      System.out.println("AFTER " + chromium.driver().getCurrentUrl() + " " + chromium.driver().getPageSource());
      System.out.println("CONSOLE " + chromium.consoleProblems());
    }
  }
}
