package dev.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10 finding #8: plain {@code http} is allowed only to loopback, and loopback means {@code localhost},
 * {@code [::1]} or an IPv4 literal in 127/8 — not any host name that starts with "127.".
 */
class LoopbackCallbackTest {
  @ParameterizedTest
  @ValueSource(strings = {"http://localhost:8080/done", "http://LOCALHOST/", "http://127.0.0.1/cb",
      "http://127.255.255.254:9000/", "http://127.1.2.3/", "http://[::1]:8080/done"})
  void loopbackMayUsePlainHttp(String url) {
    assertThat(CallbackUrl.validate(url)).startsWith("http://");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://127.evil.example/", "https://localhost.evil.example/"})
  void thoseNamesAreFineOverHttps(String url) {
    assertThat(CallbackUrl.validate(url)).isEqualTo(url);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.evil.example/", "http://127.0.0.1.evil.example/", "http://127.0.0.256/",
      "http://127.0.0/", "http://127.0.0.1.5/", "http://localhost.evil.example/", "http://128.0.0.1/",
      "http://0127.0.0.1/", "http://[::2]/"})
  void namesThatOnlyLookLikeLoopbackNeedHttps(String url) {
    assertThatThrownBy(() -> CallbackUrl.validate(url)).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }
}
