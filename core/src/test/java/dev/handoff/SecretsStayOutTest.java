package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.UserDetails;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The token and URL are returned once and appear nowhere else: not in logs, toString(), errors or the store. */
class SecretsStayOutTest {
  private final TestEngines t = new TestEngines();

  @Test
  void tokenAppearsInNoLogLineStringOrStoredValue() {
    var engine = t.builder().listener(e -> {
      throw new IllegalStateException("boom " + e);
    }).build();
    var issued = engine.create(checkout("p1").userDetails(new UserDetails("secret.person@example.com", "Secret Name",
        Map.of())).metadata(Map.of("k", "v")).idempotencyKey("idem").build());
    String token = issued.token().orElseThrow();
    String url = issued.url().orElseThrow();
    var retried = engine.create(checkout("p1").userDetails(new UserDetails("secret.person@example.com",
        "Secret Name", Map.of())).metadata(Map.of("k", "v")).idempotencyKey("idem").build());
    assertThatThrownBy(() -> engine.redeem(token)).satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
    engine.redeem(retried.token().orElseThrow());
    assertThatThrownBy(() -> engine.redeem(retried.token().orElseThrow()))
        .satisfies(e -> assertThat(e.toString()).doesNotContain(retried.token().orElseThrow()));
    assertThatThrownBy(() -> engine.redeem(token.substring(0, token.length() - 2) + "xx"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token.substring(0, 40)));

    String afterHeader = token.substring(token.indexOf('.') + 1); // everything after the public header
    for (String line : CapturedLogs.lines()) {
      assertThat(line).doesNotContain(afterHeader).doesNotContain("secret.person").doesNotContain("Secret Name");
    }
    assertThat(CapturedLogs.lines()).isNotEmpty();
    assertThat(issued.toString()).doesNotContain(token).doesNotContain(url).contains("<redacted>");
    assertThat(issued.session().toString()).doesNotContain("secret.person");
    var stored = t.store.find("p1", issued.session().id()).orElseThrow();
    assertThat(stored.toString()).doesNotContain(token).doesNotContain("secret.person");
    assertThat(stored.tokenDigest()).isNotEmpty();
    assertThat(token).doesNotContain(stored.tokenDigest());
    assertThat(t.keys.toString()).startsWith("KeyRing[active=" + t.keys.kid()).endsWith(", generated]");
  }
}
