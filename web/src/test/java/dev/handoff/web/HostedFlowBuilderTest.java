package dev.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HostedFlowBuilderTest {
  private final FlowFixture f = new FlowFixture();

  @Test
  void buildsTheEntryUrlFromOriginAndMountPath() {
    var flow = HostedFlow.builder(f.handoff).publicUrl("https://Connect.Example.com/").mountPath("/checkout").build();
    assertThat(flow.entryUrl()).isEqualTo("https://connect.example.com/checkout/entry");
    assertThat(flow.origin()).isEqualTo("https://connect.example.com");
    assertThat(HostedFlow.builder(f.handoff).publicUrl("http://localhost:8080").build().entryUrl())
        .isEqualTo("http://localhost:8080/entry");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://example.com", "https://example.com/path", "https://example.com?q", "ftp://x",
      "https://user@example.com", "not a url", "http://10.0.0.1"})
  void refusesPublicUrlsThatAreNotAnOrigin(String url) {
    assertThatThrownBy(() -> HostedFlow.builder(f.handoff).publicUrl(url))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"checkout", "/checkout/", "/a b", "/a//b", "", "/..;"})
  void refusesMalformedMountPaths(String path) {
    assertThatThrownBy(() -> HostedFlow.builder(f.handoff).mountPath(path))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void failsFastOnMissingOrRepeatedSettings() {
    assertThatThrownBy(() -> HostedFlow.builder(f.handoff).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("publicUrl");
    assertThatThrownBy(() -> HostedFlow.builder(f.handoff).redeemOnGet(true).redeemOnGet(false))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> HostedFlow.builder(f.handoff).cookieName("__Host-x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCustomRendererReplacesPagesAndCanDelegate() {
    PageRenderer builtIn = PageRenderer.defaults();
    var flow = HostedFlow.builder(f.handoff).publicUrl("https://connect.example.com").mountPath("/checkout")
        .pageRenderer(page -> page.kind() == HostedPage.Kind.CONTINUE
            ? "<!DOCTYPE html><p>custom " + page.texts().languageTag() + "</p>" : builtIn.render(page))
        .build();
    var browser = new Browser(flow);
    assertThat(browser.open(f.authenticated().url().orElseThrow()).bodyText()).isEqualTo(
        "<!DOCTYPE html><p>custom en</p>");
    assertThat(browser.open("https://connect.example.com/checkout/nope").bodyText()).contains("Page not found");
  }
}
