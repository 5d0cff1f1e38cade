package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.UserDetails;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 finding #5: intent payload, metadata and user details of one session are limited in serialised bytes
 * (16 KiB by default, configurable); an over-size request is INVALID_REQUEST and stores nothing.
 */
class SessionDataLimitTest {
  private final TestEngines t = new TestEngines();
  private final InterceptedStore store = new InterceptedStore(t.store);

  private Handoff engine(Integer limit) {
    var b = Handoff.builder().store(store).userDirectory(t.users).keys(t.keys).clock(t.clock)
        .hostedPageUrl(TestEngines.BASE_URL).intents(TestEngines.INTENTS);
    return (limit == null ? b : b.maxSessionDataBytes(limit)).build();
  }

  private void assertRefusedBeforeTheStore(Runnable action) {
    int before = store.calls.get();
    assertThatThrownBy(action::run).isInstanceOfSatisfying(HandoffException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(e.getMessage()).contains("bytes");
    });
    assertThat(store.calls.get()).isEqualTo(before);
  }

  /** Metadata whose compact JSON in UTF-8 is exactly {@code bytes} long: {"m":"…"} is 8 bytes around the text. */
  private static Map<String, Object> metadataOf(int bytes) {
    return Map.of("m", "x".repeat(bytes - 8));
  }

  @Test
  void theDefaultIs16KiBOverPayloadMetadataAndUserDetailsTogether() {
    var engine = engine(null);
    // {"plan":"pln_1"} is 16 bytes; the rest of 16 KiB is metadata.
    var atLimit = engine.create(checkout("p1").metadata(metadataOf(16 * 1024 - 16)).build());
    assertThat(engine.get("p1", atLimit.session().id()).metadata()).isEqualTo(metadataOf(16 * 1024 - 16));

    assertRefusedBeforeTheStore(() -> engine.create(checkout("p1").metadata(metadataOf(16 * 1024 - 15)).build()));
    assertRefusedBeforeTheStore(() -> engine.create(CreateSessionRequest.builder("p1")
        .intent("free", Map.of("blob", "y".repeat(20_000))).build()));
    assertRefusedBeforeTheStore(() -> engine.create(checkout("p1").metadata(metadataOf(8 * 1024))
        .userDetails(new UserDetails("ann@example.com", "z".repeat(9 * 1024), Map.of())).build()));
  }

  @Test
  void bytesAreCountedInUtf8NotInCharacters() {
    var engine = engine(1024);
    String euro = "\u20AC".repeat(400); // 400 characters, 1,200 bytes
    assertRefusedBeforeTheStore(() -> engine.create(checkout("p1").metadata(Map.of("m", euro)).build()));
    assertThat(engine.create(checkout("p1").metadata(Map.of("m", "e".repeat(400))).build()).url()).isPresent();
  }

  @Test
  void theLimitIsConfigurable() {
    var engine = engine(64 * 1024);
    assertThat(engine.create(checkout("p1").metadata(metadataOf(60 * 1024)).build()).url()).isPresent();
    assertRefusedBeforeTheStore(() -> engine.create(checkout("p1").metadata(metadataOf(64 * 1024)).build()));
    assertThatThrownBy(() -> Handoff.builder().maxSessionDataBytes(100)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anUpdatePastTheLimitChangesNothing() {
    var engine = engine(null);
    var issued = engine.create(checkout("p1").metadata(Map.of("order", "o-1")).build());
    String id = issued.session().id();
    long version = t.store.find("p1", id).orElseThrow().version();

    assertThatThrownBy(() -> engine.update("p1", id, UpdateSessionRequest.builder()
        .metadata(metadataOf(17 * 1024)).build())).isInstanceOfSatisfying(HandoffException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThatThrownBy(() -> engine.update("p1", id, UpdateSessionRequest.builder()
        .intent("free", Map.of("blob", "y".repeat(17 * 1024))).build())).isInstanceOf(HandoffException.class);

    var stored = t.store.find("p1", id).orElseThrow();
    assertThat(stored.version()).isEqualTo(version);
    assertThat(stored.metadata()).isEqualTo(Map.of("order", "o-1"));
  }
}
