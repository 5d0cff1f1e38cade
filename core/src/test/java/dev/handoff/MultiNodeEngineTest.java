package dev.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.storage.jdbc.JdbcSessionStore;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two engine nodes with the same key ring over one PostgreSQL database, each with its own pool and store: a URL
 * minted on one is redeemed on the other, its browser session works on both, and a replay is refused on either.
 * Skipped with the reason when PostgreSQL is unreachable, failed instead under {@code HANDOFF_TEST_DATABASES=required}.
 */
class MultiNodeEngineTest {
  private static final String URL = System.getenv().getOrDefault("HANDOFF_TEST_POSTGRES_URL",
      "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
  private final String prefix = "handoff_mn_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";
  private final TestEngines t = new TestEngines();
  private HikariDataSource poolA;
  private HikariDataSource poolB;

  @BeforeEach
  void requirePostgres() {
    try (var ignored = DriverManager.getConnection(URL)) {
      // reachable
    } catch (SQLException e) {
      String reason = "PostgreSQL not reachable at " + URL + ": " + e.getMessage();
      if ("required".equals(System.getenv("HANDOFF_TEST_DATABASES"))) {
        throw new AssertionError(reason, e);
      }
      Assumptions.abort(reason);
    }
    poolA = pool();
    poolB = pool();
  }

  @AfterEach
  void dropTable() throws SQLException {
    if (poolA != null) {
      try (var c = poolA.getConnection(); var s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + prefix.toLowerCase(Locale.ROOT) + "sessions");
      }
      poolA.close();
      poolB.close();
    }
  }

  private static HikariDataSource pool() {
    var pool = new HikariDataSource();
    pool.setJdbcUrl(URL);
    pool.setMaximumPoolSize(4);
    return pool;
  }

  private Handoff node(HikariDataSource pool, boolean createSchema) {
    var store = JdbcSessionStore.builder(pool).tablePrefix(prefix);
    return Handoff.builder()
        .store((createSchema ? store.createSchemaIfMissing() : store).build())
        .userDirectory(t.users)
        .keys(KeyRing.fromMasterSecret("shared", TestKeys.secret(7)))
        .hostedPageUrl(TestEngines.BASE_URL)
        .intents(TestEngines.INTENTS)
        .build();
  }

  @Test
  void aUrlMintedOnOneNodeIsRedeemedOnTheOtherAndReplaysAreRefusedOnBoth() {
    t.users.add("p1", "usr_1", "ann@example.com");
    Handoff apiNode = node(poolA, true);
    Handoff hostedPageNode = node(poolB, false);

    String token = apiNode.create(TestEngines.checkout("p1").user("usr_1").build()).token().orElseThrow();
    var redemption = hostedPageNode.redeem(token);
    assertThat(redemption.user().id()).isEqualTo("usr_1");
    assertThat(apiNode.authenticate(redemption.browserSecret()).user().id()).isEqualTo("usr_1");
    for (Handoff node : List.of(apiNode, hostedPageNode)) {
      assertThatThrownBy(() -> node.redeem(token)).isInstanceOfSatisfying(HandoffException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
    }
    assertThat(hostedPageNode.completeFromBrowser(redemption.browserSecret()).status())
        .isEqualTo(dev.handoff.spi.SessionStatus.COMPLETED);
  }
}
