package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.AccessRecord.Step;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The redemption audit (issue 14): redeeming and signing in record when, from which network (or keyed digest, or
 * nothing: the embedder's choice) and with which user agent, in the same write as the step itself; {@code get}
 * returns it, and a hostile user agent is stored harmlessly.
 */
class AccessLogTest {
  private static final String CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36";

  private final TestEngines t = new TestEngines();
  private final RecordingOtpSender sender = new RecordingOtpSender();
  @TempDir
  Path tempDir;
  private StoreKind.Database database;
  private SessionStore store;

  private Handoff engine(StoreKind kind, AddressPolicy policy) {
    if (database == null) {
      database = kind.open(t, tempDir);
      store = database.node();
      t.users.add("p1", "usr_1", "ann@example.com");
    }
    var builder = Handoff.builder().store(store).userDirectory(t.users).keys(t.keys).clock(t.clock)
        .hostedPageUrl(TestEngines.BASE_URL).intents(TestEngines.INTENTS).otpSender(sender)
        .otpExecutor(Runnable::run);
    return (policy == null ? builder : builder.addressPolicy(policy)).build();
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void redeemingRecordsTheNetworkAndUserAgentAndGetShowsIt(StoreKind kind) {
    Handoff engine = engine(kind, null);
    var issued = engine.create(checkout("p1").user("usr_1").build());
    t.clock.advance(Duration.ofSeconds(5));

    Redemption redemption = engine.redeem(issued.token().orElseThrow(), new ClientInfo("192.0.2.77", CHROME));

    var expected = new AccessRecord(Step.REDEEMED, t.clock.instant(), "192.0.2.0/24", CHROME);
    assertThat(redemption.session().accessLog()).containsExactly(expected);
    assertThat(engine.get("p1", issued.session().id()).accessLog()).containsExactly(expected);
    assertThat(engine.list("p1", null, 10).sessions().get(0).accessLog()).containsExactly(expected);
    assertThat(engine.get("p1", issued.session().id()).toString()).doesNotContain("192.0.2");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void signingInAppendsItsRecordInTheSameWriteAsTheSignIn(StoreKind kind) {
    Handoff engine = engine(kind, null);
    var issued = engine.create(checkout("p1").build());
    String secret = engine.redeem(issued.token().orElseThrow(), new ClientInfo("2001:db8:aa:bb::1", "Phone"))
        .browserSecret();
    engine.startLogin(secret, "ann@example.com");
    long before = store.find("p1", issued.session().id()).orElseThrow().version();
    t.clock.advance(Duration.ofMinutes(1));

    BrowserSession signedIn = engine.verifyLogin(secret, sender.lastCode(), new ClientInfo("2001:db8:aa::2", "Phone"));

    var stored = store.find("p1", issued.session().id()).orElseThrow();
    assertThat(stored.version()).isEqualTo(before + 1);
    assertThat(stored.accessLog()).extracting(AccessRecord::step).containsExactly(Step.REDEEMED, Step.SIGNED_IN);
    assertThat(stored.accessLog().get(1)).isEqualTo(new AccessRecord(Step.SIGNED_IN, t.clock.instant(),
        "2001:db8:aa::/48", "Phone"));
    assertThat(signedIn.session().accessLog()).isEqualTo(stored.accessLog());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aWrongCodeOrAFailedRedemptionRecordsNothing(StoreKind kind) {
    Handoff engine = engine(kind, null);
    var issued = engine.create(checkout("p1").build());
    String secret = engine.redeem(issued.token().orElseThrow()).browserSecret();
    engine.startLogin(secret, "ann@example.com");
    String wrong = sender.lastCode().equals("000000") ? "111111" : "000000";
    assertThatThrownBy(() -> engine.verifyLogin(secret, wrong, new ClientInfo("192.0.2.1", "x")))
        .isInstanceOf(HandoffException.class);
    assertThatThrownBy(() -> engine.redeem(issued.token().orElseThrow(), new ClientInfo("192.0.2.1", "x")))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
    // The old overloads record the step without address or user agent.
    assertThat(engine.get("p1", issued.session().id()).accessLog()).containsExactly(
        new AccessRecord(Step.REDEEMED, t.clock.instant(), null, null));
    assertThatThrownBy(() -> engine.redeem("x", null)).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aHostileUserAgentIsStoredAsBoundedPrintableAscii(StoreKind kind) {
    Handoff engine = engine(kind, null);
    var issued = engine.create(checkout("p1").user("usr_1").build());
    String hostile = "Evil/1.0\r\nSet-Cookie: admin=1\r\n\r\n<script>alert(1)</script> Ünïcødé 🚀 \u202E\u0000"
        + "A".repeat(10 * 1024);

    engine.redeem(issued.token().orElseThrow(), new ClientInfo("not-an-ip.example", hostile));

    AccessRecord record = engine.get("p1", issued.session().id()).accessLog().get(0);
    assertThat(record.clientAddress()).isNull(); // not an IP literal, and never looked up
    assertThat(record.userAgent()).hasSize(AccessRecord.MAX_FIELD_LENGTH)
        .startsWith("Evil/1.0??Set-Cookie: admin=1????<script>alert(1)</script> ?n?c?d? ? ??AAA")
        .doesNotContain("\r").doesNotContain("\n");
    assertThat(record.userAgent().chars()).allMatch(c -> c >= ' ' && c <= '~');
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theEmbedderChoosesHowAddressesAreKept(StoreKind kind) {
    Handoff digesting = engine(kind, AddressPolicy.KEYED_DIGEST);
    Handoff otherNode = engine(kind, AddressPolicy.KEYED_DIGEST); // same key ring, same store
    Handoff none = engine(kind, AddressPolicy.NONE);
    var client = new ClientInfo("198.51.100.23", CHROME);

    String first = digesting.redeem(digesting.create(checkout("p1").user("usr_1").build()).token().orElseThrow(),
        client).session().accessLog().get(0).clientAddress();
    String second = otherNode.redeem(otherNode.create(checkout("p1").user("usr_1").build()).token().orElseThrow(),
        new ClientInfo("::ffff:198.51.100.23", CHROME)).session().accessLog().get(0).clientAddress();
    AccessRecord unrecorded = none.redeem(none.create(checkout("p1").user("usr_1").build()).token().orElseThrow(),
        client).session().accessLog().get(0);

    assertThat(first).isEqualTo(second).startsWith(t.keys.kid() + ".").doesNotContain("198.51.100");
    assertThat(unrecorded.clientAddress()).isNull();
    assertThat(unrecorded.userAgent()).isEqualTo(CHROME);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aReusableLinkKeepsTheFirstAndLatestRedemptions(StoreKind kind) {
    Handoff engine = engine(kind, null);
    var issued = engine.create(checkout("p1").user("usr_1").singleUse(false).build());
    for (int i = 0; i < AccessRecord.MAX_RECORDS + 3; i++) {
      t.clock.advance(Duration.ofSeconds(1));
      engine.redeem(issued.token().orElseThrow(), new ClientInfo("192.0." + i + ".1", CHROME));
    }

    List<AccessRecord> log = engine.get("p1", issued.session().id()).accessLog();
    assertThat(log).hasSize(AccessRecord.MAX_RECORDS);
    assertThat(log.get(0).clientAddress()).isEqualTo("192.0.0.0/24");
    assertThat(log.get(AccessRecord.MAX_RECORDS - 1).clientAddress())
        .isEqualTo("192.0." + (AccessRecord.MAX_RECORDS + 2) + ".0/24");
  }
}
