package dev.handoff.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.ClientInfo;
import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IntentRegistry;
import dev.handoff.IntentType;
import dev.handoff.IssuedSession;
import dev.handoff.KeyRing;
import dev.handoff.LoginPolicy;
import dev.handoff.Redemption;
import dev.handoff.SessionEvent;
import dev.handoff.SessionListener;
import dev.handoff.Sweeper;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStore;
import dev.handoff.storage.jdbc.JdbcSessionStore;
import dev.handoff.storage.memory.CaffeineSessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class HandoffAutoConfigurationTest {
  static final String SECRET = Base64.getEncoder().encodeToString(new byte[32]).replace("AAAA", "AbCd");

  /** A complete application: its beans and the properties a production deployment sets. */
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HandoffAutoConfiguration.class))
      .withUserConfiguration(TestApplicationBeans.Users.class, TestApplicationBeans.Intents.class,
          TestApplicationBeans.Codes.class)
      .withPropertyValues("handoff.keys.master-secrets.k1=" + SECRET,
          "handoff.web.public-url=https://connect.example.com");

  @Test
  void configuresAnEngineThatCreatesAndRedeems() {
    runner.withPropertyValues("handoff.id-prefix=csn_", "handoff.default-ttl=15m").run(context -> {
      Handoff handoff = context.getBean(Handoff.class);
      IssuedSession issued = handoff.create(CreateSessionRequest.builder("t1")
          .intent("checkoutNewSubscription", Map.of("plan", "pln_1")).user("usr_1").build());
      assertThat(issued.session().id()).startsWith("csn_");
      assertThat(issued.session().expiresAt()).isEqualTo(issued.session().createdAt().plusSeconds(15 * 60));
      assertThat(issued.url().orElseThrow()).startsWith("https://connect.example.com/handoff/entry?");
      Redemption redemption = handoff.redeem(issued.token().orElseThrow());
      assertThat(redemption.user().id()).isEqualTo("usr_1");
      assertThat(context.getBean(KeyRing.class).kid()).isEqualTo("k1");
      assertThat(context.getBean(KeyRing.class).isGenerated()).isFalse();
    });
  }

  @Test
  void keepsSessionsInMemoryWithAWarningWithoutADataSource(CapturedOutput output) {
    runner.run(context -> {
      assertThat(context).hasSingleBean(CaffeineSessionStore.class);
      assertThat(output).contains("Handoff keeps sessions in memory").contains("single node");
    });
  }

  @Test
  void usesTheJdbcStoreOverTheApplicationsDataSourceAndCreatesItsSchemaWhenAsked(CapturedOutput output) {
    runner.withBean(DataSource.class, HandoffAutoConfigurationTest::h2)
        .withPropertyValues("handoff.jdbc.initialize-schema=always", "handoff.jdbc.table-prefix=spring_")
        .run(context -> {
          JdbcSessionStore store = context.getBean(JdbcSessionStore.class);
          assertThat(store.tableName()).isEqualTo("spring_sessions");
          Handoff handoff = context.getBean(Handoff.class);
          IssuedSession issued = handoff.create(CreateSessionRequest.builder("t1")
              .intent("checkoutNewSubscription", Map.of("plan", "pln_1")).user("usr_1").build());
          assertThat(store.find("t1", issued.session().id())).isPresent();
          assertThat(output).doesNotContain("Handoff keeps sessions in memory");
        });
  }

  @Test
  void backsOffFromTheApplicationsStore() {
    SessionStore own = CaffeineSessionStore.builder().build();
    runner.withBean(DataSource.class, HandoffAutoConfigurationTest::h2).withBean("myStore", SessionStore.class,
        () -> own).run(context -> {
          assertThat(context).hasSingleBean(SessionStore.class);
          assertThat(context.getBean(SessionStore.class)).isSameAs(own);
          assertThat(context).hasSingleBean(Sweeper.class);
        });
  }

  @Test
  void backsOffFromTheApplicationsEngineAltogether() {
    // No keys, no intents, no users: the application's own engine needs none of the starter's beans.
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HandoffAutoConfiguration.class))
        .withBean(Handoff.class, HandoffAutoConfigurationTest::ownEngine)
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(Handoff.class).doesNotHaveBean(KeyRing.class)
              .doesNotHaveBean(IntentRegistry.class);
          assertThat(context).hasSingleBean(Sweeper.class); // sweeping the application's engine
        });
  }

  @Test
  void backsOffFromTheApplicationsKeyRingIntentRegistryAndLoginPolicy() {
    KeyRing ring = KeyRing.fromMasterSecret("own", new byte[32]);
    IntentRegistry intents = IntentRegistry.of(IntentType.builder("ownIntent").build());
    LoginPolicy policy = LoginPolicy.defaults().withSignUp(true);
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HandoffAutoConfiguration.class))
        .withUserConfiguration(TestApplicationBeans.Users.class, TestApplicationBeans.Codes.class)
        .withPropertyValues("handoff.web.public-url=https://connect.example.com")
        .withBean(KeyRing.class, () -> ring).withBean(IntentRegistry.class, () -> intents)
        .withBean(LoginPolicy.class, () -> policy)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(KeyRing.class)).isSameAs(ring);
          Handoff handoff = context.getBean(Handoff.class);
          IssuedSession issued = handoff.create(CreateSessionRequest.builder("t1").intent("ownIntent", Map.of())
              .build());
          assertThat(issued.token().orElseThrow()).isNotBlank();
          assertThatThrownBy(() -> handoff.create(CreateSessionRequest.builder("t1")
              .intent("checkoutNewSubscription", Map.of("plan", "p")).build()))
              .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code())
                  .isEqualTo(ErrorCode.UNPROCESSABLE));
        });
  }

  @Test
  void addsListenersAndAppliesCustomizers() {
    List<SessionEvent> events = new CopyOnWriteArrayList<>();
    Instant fixed = Instant.parse("2030-01-02T03:04:05Z");
    runner.withBean(SessionListener.class, () -> events::add)
        .withBean(HandoffBuilderCustomizer.class, () -> b -> b.clock(Clock.fixed(fixed, ZoneOffset.UTC)))
        .run(context -> {
          IssuedSession issued = context.getBean(Handoff.class).create(CreateSessionRequest.builder("t1")
              .intent("checkoutNewSubscription", Map.of("plan", "pln_1")).build());
          assertThat(issued.session().createdAt()).isEqualTo(fixed);
          assertThat(events).extracting(SessionEvent::type).containsExactly(SessionEvent.Type.CREATED);
        });
  }

  @Test
  void pointsSessionUrlsAtTheFlowBelowTheContextPath() {
    runner.withPropertyValues("server.servlet.context-path=/app/", "handoff.web.path=connect/",
        "handoff.web.public-url=https://connect.example.com/").run(context -> {
          IssuedSession issued = context.getBean(Handoff.class).create(CreateSessionRequest.builder("t1")
              .intent("checkoutNewSubscription", Map.of("plan", "p")).build());
          assertThat(issued.url().orElseThrow()).startsWith("https://connect.example.com/app/connect/entry?session=");
        });
  }

  @Test
  void appliesTheSizeLimits() {
    runner.withPropertyValues("handoff.max-session-data-bytes=1024").run(context -> assertThatThrownBy(() ->
        context.getBean(Handoff.class).create(CreateSessionRequest.builder("t1")
            .intent("checkoutNewSubscription", Map.of("plan", "p".repeat(2000))).build()))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.INVALID_REQUEST)));
    runner.withBean(DataSource.class, HandoffAutoConfigurationTest::h2)
        .withPropertyValues("handoff.jdbc.max-session-bytes=10")
        .run(context -> assertFailure(context, "handoff.jdbc.* is invalid: maxSessionBytes", "handoff.jdbc"));
    runner.withPropertyValues("handoff.memory.maximum-sessions-per-tenant=1").run(context -> {
      Handoff handoff = context.getBean(Handoff.class);
      handoff.create(CreateSessionRequest.builder("t1").intent("checkoutNewSubscription", Map.of("plan", "p"))
          .build());
      assertThatThrownBy(() -> handoff.create(CreateSessionRequest.builder("t1")
          .intent("checkoutNewSubscription", Map.of("plan", "p")).build()))
          .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code())
              .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS));
    });
  }

  @Test
  void sweepsTheEngineUnlessTurnedOff() {
    runner.withPropertyValues("handoff.sweeper.interval=30s", "handoff.sweeper.batch-limit=7",
        "handoff.sweeper.max-batches-per-run=3").run(context -> assertThat(context.getBean(Sweeper.class))
            .hasToString("Sweeper[interval=PT30S, batchLimit=7, maxBatchesPerRun=3, pauseBetweenBatches=PT0.02S]"));
    runner.withPropertyValues("handoff.sweeper.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Sweeper.class));
    runner.withPropertyValues("handoff.sweeper.interval=5ms")
        .run(context -> assertFailure(context, "handoff.sweeper.interval is invalid", "Fix handoff.sweeper.interval"));
    runner.withPropertyValues("handoff.sweeper.batch-limit=0").run(context ->
        assertFailure(context, "handoff.sweeper.batch-limit is invalid", "Fix handoff.sweeper.batch-limit"));
    runner.withPropertyValues("handoff.sweeper.max-batches-per-run=0").run(context -> assertFailure(context,
        "handoff.sweeper.max-batches-per-run is invalid", "Fix handoff.sweeper.max-batches-per-run"));
  }

  @Test
  void backsOffFromTheApplicationsSweeperAndSweepsNoneOfSeveralEngines() {
    Handoff engine = ownEngine();
    Sweeper own = Sweeper.builder(engine).build();
    runner.withBean(Sweeper.class, () -> own)
        .run(context -> assertThat(context.getBean(Sweeper.class)).isSameAs(own));
    // Which of two engines to sweep is the application's choice: it defines the sweeper, or marks one @Primary.
    runner.withBean("first", Handoff.class, () -> engine).withBean("second", Handoff.class, () -> engine)
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Sweeper.class));
  }

  @Test
  void appliesTheIdleAndActiveLifetimeBounds() {
    runner.withPropertyValues("handoff.idle-timeout=20m", "handoff.max-idle-timeout=2h",
        "handoff.default-active-lifetime=10m", "handoff.max-active-lifetime=3h").run(context -> {
          Handoff handoff = context.getBean(Handoff.class);
          IssuedSession issued = handoff.create(checkout().build());
          assertThat(issued.session().idleTimeout()).isEqualTo(Duration.ofMinutes(20));
          assertThat(issued.session().activeLifetime()).isEqualTo(Duration.ofMinutes(10));
          assertThat(handoff.create(checkout().idleTimeout("2h").activeLifetime("3h").build()).session())
              .extracting("idleTimeout", "activeLifetime").containsExactly(Duration.ofHours(2), Duration.ofHours(3));
          assertThatThrownBy(() -> handoff.create(checkout().idleTimeout("121m").build()))
              .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code())
                  .isEqualTo(ErrorCode.INVALID_REQUEST));
          assertThatThrownBy(() -> handoff.create(checkout().activeLifetime("181m").build()))
              .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code())
                  .isEqualTo(ErrorCode.INVALID_REQUEST));
        });
  }

  @Test
  void failsAtStartUpNamingTheBoundPropertiesThatDisagree() {
    runner.withPropertyValues("handoff.idle-timeout=2d").run(context -> assertFailure(context,
        "idleTimeout (PT48H) <= maxIdleTimeout (PT24H)", "Fix handoff.idle-timeout or handoff.max-idle-timeout"));
    runner.withPropertyValues("handoff.idle-timeout=30s")
        .run(context -> assertFailure(context, "handoff.idle-timeout is invalid", "Fix handoff.idle-timeout."));
    runner.withPropertyValues("handoff.max-idle-timeout=20m").run(context ->
        assertFailure(context, "maxIdleTimeout (PT20M)", "Fix handoff.idle-timeout or handoff.max-idle-timeout"));
    runner.withPropertyValues("handoff.default-active-lifetime=2h", "handoff.max-active-lifetime=1h")
        .run(context -> assertFailure(context, "defaultActiveLifetime (PT2H) <= maxActiveLifetime (PT1H)",
            "Fix handoff.default-active-lifetime or handoff.max-active-lifetime"));
    runner.withPropertyValues("handoff.max-active-lifetime=30s").run(context -> assertFailure(context,
        "maxActiveLifetime (PT30S)", "Fix handoff.default-active-lifetime or handoff.max-active-lifetime"));
    // An unknown policy fails binding; Spring Boot's own analyzer reports the property and its values.
    runner.withPropertyValues("handoff.address-policy=hashed").run(context -> {
      assertThat(context).hasFailed();
      BindException binding = null;
      for (Throwable t = context.getStartupFailure(); t != null && binding == null; t = t.getCause()) {
        binding = t instanceof BindException b ? b : null;
      }
      assertThat(binding).isNotNull();
      assertThat(binding.getProperty().getName()).hasToString("handoff.address-policy");
    });
  }

  @Test
  void keepsClientAddressesAsTheAddressPolicySays() {
    assertThat(addressKept("truncated")).isEqualTo("203.0.113.0/24");
    assertThat(addressKept("keyed-digest")).matches("k1\\.[A-Za-z0-9_-]{43}");
    assertThat(addressKept("none")).isNull();
  }

  /** The client address a redemption leaves in the access log under {@code handoff.address-policy}. */
  private String addressKept(String policy) {
    AtomicReference<String> address = new AtomicReference<>();
    runner.withPropertyValues("handoff.address-policy=" + policy).run(context -> {
      Handoff handoff = context.getBean(Handoff.class);
      IssuedSession issued = handoff.create(checkout().user("usr_1").build());
      address.set(handoff.redeem(issued.token().orElseThrow(), new ClientInfo("203.0.113.9", "ua")).session()
          .accessLog().get(0).clientAddress());
    });
    return address.get();
  }

  @Test
  void generatesAKeyInADevelopmentProfileOnly() {
    ApplicationContextRunner noKeys = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HandoffAutoConfiguration.class))
        .withUserConfiguration(TestApplicationBeans.Users.class, TestApplicationBeans.Intents.class,
            TestApplicationBeans.Codes.class);
    noKeys.withPropertyValues("spring.profiles.active=dev").run(context -> {
      assertThat(context.getBean(KeyRing.class).isGenerated()).isTrue();
      // and the public URL defaults to localhost there
      IssuedSession issued = context.getBean(Handoff.class).create(CreateSessionRequest.builder("t1")
          .intent("checkoutNewSubscription", Map.of("plan", "p")).build());
      assertThat(issued.url().orElseThrow()).startsWith("http://localhost:8080/handoff/entry?");
    });
    noKeys.withPropertyValues("handoff.web.public-url=https://connect.example.com").run(context ->
        assertFailure(context, "No Handoff key is configured (handoff.keys.*)",
            "handoff.keys.master-secrets.<kid>"));
    // A blank secret (an unset ${HANDOFF_MASTER_SECRET:} placeholder) is no key.
    noKeys.withPropertyValues("handoff.web.public-url=https://connect.example.com",
        "handoff.keys.master-secrets.k1=").run(context ->
        assertFailure(context, "No Handoff key is configured (handoff.keys.*)",
            "handoff.keys.master-secrets.<kid>"));
    noKeys.withPropertyValues("spring.profiles.active=staging", "handoff.development-profiles=staging")
        .run(context -> assertThat(context.getBean(KeyRing.class).isGenerated()).isTrue());
  }

  @Test
  void failsWithoutAUserDirectory() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HandoffAutoConfiguration.class))
        .withUserConfiguration(TestApplicationBeans.Intents.class, TestApplicationBeans.Codes.class)
        .withPropertyValues("handoff.keys.master-secrets.k1=" + SECRET,
            "handoff.web.public-url=https://connect.example.com")
        .run(context -> assertFailure(context, "dev.handoff.spi.UserDirectory (found 0)",
            "Define a @Bean of type UserDirectory"));
  }

  @Test
  void failsWithTwoUserDirectoriesAndNoPrimary() {
    runner.withBean("second", TestApplicationBeans.MapUserDirectory.class)
        .run(context -> assertFailure(context, "(found 2)", "mark one @Primary"));
  }

  @Test
  void failsWithoutIntentTypes() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HandoffAutoConfiguration.class))
        .withUserConfiguration(TestApplicationBeans.Users.class, TestApplicationBeans.Codes.class)
        .withPropertyValues("handoff.keys.master-secrets.k1=" + SECRET,
            "handoff.web.public-url=https://connect.example.com")
        .run(context -> assertFailure(context, "Handoff has no intent types", "dev.handoff.IntentType"));
  }

  @Test
  void failsWithoutAnOtpSenderWhileUnauthenticatedSessionsAreAllowed() {
    ApplicationContextRunner noSender = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HandoffAutoConfiguration.class))
        .withUserConfiguration(TestApplicationBeans.Users.class, TestApplicationBeans.Intents.class)
        .withPropertyValues("handoff.keys.master-secrets.k1=" + SECRET,
            "handoff.web.public-url=https://connect.example.com");
    noSender.run(context -> assertFailure(context, "no single bean of type dev.handoff.spi.OtpSender",
        "handoff.login.unauthenticated-sessions=false"));
    noSender.withPropertyValues("handoff.login.unauthenticated-sessions=false")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Handoff.class));
  }

  @Test
  void failsWithoutAPublicUrlOutsideDevelopment() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HandoffAutoConfiguration.class))
        .withUserConfiguration(TestApplicationBeans.Users.class, TestApplicationBeans.Intents.class,
            TestApplicationBeans.Codes.class)
        .withPropertyValues("handoff.keys.master-secrets.k1=" + SECRET)
        .run(context -> assertFailure(context, "handoff.web.public-url is not set", "handoff.web.public-url"));
  }

  @Test
  void namesTheInvalidPropertyWithoutEchoingASecret() {
    String notBase64 = "sup3r$ecret!";
    runner.withPropertyValues("handoff.keys.master-secrets.k2=" + notBase64).run(context -> {
      assertFailure(context, "handoff.keys.master-secrets.k2 is not valid Base64", "openssl rand -base64 32");
      assertThat(rootCause(context).getMessage()).doesNotContain(notBase64);
    });
    String shortSecret = Base64.getEncoder().encodeToString(new byte[16]);
    runner.withPropertyValues("handoff.keys.master-secrets.k2=" + shortSecret).run(context -> {
      assertFailure(context, "handoff.keys.master-secrets.k2 is invalid", "Fix the key");
      assertThat(rootCause(context).getMessage()).doesNotContain(shortSecret);
    });
    runner.withPropertyValues("handoff.id-prefix=no-dashes")
        .run(context -> assertFailure(context, "handoff.id-prefix is invalid", "Fix handoff.id-prefix"));
    runner.withPropertyValues("handoff.web.public-url=ftp://example.com")
        .run(context -> assertFailure(context, "handoff.web.public-url is invalid", "Fix handoff.web.public-url"));
    runner.withPropertyValues("handoff.default-ttl=30d")
        .run(context -> assertFailure(context, "defaultTtl", "handoff.default-ttl"));
    runner.withPropertyValues("handoff.login.code-length=2")
        .run(context -> assertFailure(context, "handoff.login.* is invalid: codeLength", "LoginPolicy bean"));
    runner.withPropertyValues("handoff.keys.active-kid=nope")
        .run(context -> assertFailure(context, "key ring (handoff.keys.*) is invalid", "handoff.keys.active-kid"));
    runner.withPropertyValues("handoff.keys.jwk-set=file:/nonexistent/" + UUID.randomUUID() + ".json")
        .run(context -> assertFailure(context, "handoff.keys.jwk-set cannot be read", "readable file"));
  }

  @Test
  void readsSeveralKeysWithOneActive() {
    String second = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        31, (byte) 0xfe});
    runner.withPropertyValues("handoff.keys.master-secrets.k2=" + second, "handoff.keys.active-kid=k2",
        "handoff.keys.pem.ec1=classpath:ec-p256.pem").run(context -> {
          KeyRing ring = context.getBean(KeyRing.class);
          assertThat(ring.kids()).containsExactlyInAnyOrder("k1", "k2", "ec1");
          assertThat(ring.kid()).isEqualTo("k2");
        });
  }

  private static void assertFailure(AssertableApplicationContext context, String description, String action) {
    assertThat(context).hasFailed();
    Throwable root = rootCause(context);
    assertThat(root).isInstanceOf(HandoffConfigurationException.class);
    FailureAnalysis analysis = new HandoffConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
    assertThat(analysis).isNotNull();
    assertThat(analysis.getDescription()).contains(description);
    assertThat(analysis.getAction()).contains(action);
  }

  private static Throwable rootCause(AssertableApplicationContext context) {
    Throwable t = context.getStartupFailure();
    while (t != null && !(t instanceof HandoffConfigurationException)) {
      t = t.getCause();
    }
    return t == null ? context.getStartupFailure() : t;
  }

  private static CreateSessionRequest.Builder checkout() {
    return CreateSessionRequest.builder("t1").intent("checkoutNewSubscription", Map.of("plan", "pln_1"));
  }

  private static Handoff ownEngine() {
    return Handoff.builder().store(CaffeineSessionStore.builder().build())
        .userDirectory(new TestApplicationBeans.MapUserDirectory()).hostedPageUrl("https://pages.example.com/in")
        .intents(IntentRegistry.of(IntentType.builder("x").build())).build();
  }

  static DataSource h2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return ds;
  }
}
