package dev.handoff.spring;

import dev.handoff.Handoff;
import dev.handoff.IntentRegistry;
import dev.handoff.IntentType;
import dev.handoff.KeyRing;
import dev.handoff.LoginPolicy;
import dev.handoff.OperationObserver;
import dev.handoff.SessionListener;
import dev.handoff.Sweeper;
import dev.handoff.spi.OtpSender;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.UserDirectory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Auto-configures a {@link Handoff} engine from {@code handoff.*}, the application's {@link UserDirectory},
 * {@link IntentType} (or {@link IntentRegistry}), {@link OtpSender}, {@link SessionListener},
 * {@link OperationObserver} and {@link HandoffBuilderCustomizer} beans; a {@link SessionStore} (Redis when
 * {@code handoff.redis.url} or {@code handoff.redis.cluster-urls} is set, else JDBC over the application's
 * {@code DataSource}, else in memory); and a {@link Sweeper} of the engine. Every bean backs off when the
 * application defines its own; a {@code Handoff} bean of the application's replaces the engine, its key ring and
 * intent registry altogether, and is the one swept.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(Handoff.class)
@EnableConfigurationProperties(HandoffProperties.class)
@Import({HandoffStoreConfiguration.Redis.class, HandoffStoreConfiguration.Jdbc.class,
    HandoffStoreConfiguration.Memory.class,
    HandoffAutoConfiguration.Engine.class, HandoffAutoConfiguration.Sweeping.class})
public class HandoffAutoConfiguration {

  /**
   * Sweeps the engine on its own daemon thread, started with the context and stopped when it closes, so that the
   * end of every session is published ({@code EXPIRED}, {@code ABANDONED}) and ended sessions are deleted after
   * {@code handoff.retention}. Needs one {@link Handoff} bean (or a primary one); with several, define the
   * {@link Sweeper} yourself.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnSingleCandidate(Handoff.class)
  @ConditionalOnBooleanProperty(name = "handoff.sweeper.enabled", matchIfMissing = true)
  static class Sweeping {

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnMissingBean
    Sweeper handoffSweeper(Handoff handoff, HandoffProperties properties) {
      HandoffProperties.Sweeper sweeper = properties.getSweeper();
      Sweeper.Builder builder = Sweeper.builder(handoff);
      Engine.set("handoff.sweeper.interval", sweeper.getInterval(), builder::interval);
      Engine.set("handoff.sweeper.batch-limit", sweeper.getBatchLimit(), builder::batchLimit);
      Engine.set("handoff.sweeper.max-batches-per-run", sweeper.getMaxBatchesPerRun(), builder::maxBatchesPerRun);
      return builder.build();
    }
  }

  /** The engine and what only it needs; absent when the application defines its own {@link Handoff}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(Handoff.class)
  static class Engine {
    /** The builder's names of the bounded durations, and the properties that set them. */
    private static final Map<String, String> BOUNDED_PROPERTIES = Map.of("defaultTtl", "handoff.default-ttl",
        "maxTtl", "handoff.max-ttl", "idleTimeout", "handoff.idle-timeout", "maxIdleTimeout",
        "handoff.max-idle-timeout", "defaultActiveLifetime", "handoff.default-active-lifetime",
        "maxActiveLifetime", "handoff.max-active-lifetime");

    @Bean
    @ConditionalOnMissingBean
    KeyRing handoffKeyRing(HandoffProperties properties, Environment environment) {
      return KeyRingFromProperties.build(properties, environment);
    }

    @Bean
    @ConditionalOnMissingBean
    IntentRegistry handoffIntentRegistry(ObjectProvider<IntentType> intentTypes) {
      List<IntentType> types = intentTypes.orderedStream().toList();
      if (types.isEmpty()) {
        throw new HandoffConfigurationException("Handoff has no intent types: sessions could not be created.",
            "Define a bean of type dev.handoff.IntentType for each kind of session, e.g. "
                + "IntentType.builder(\"checkoutNewSubscription\").required(\"plan\", String.class).build(), or one "
                + "bean of type dev.handoff.IntentRegistry.");
      }
      return IntentRegistry.of(types.toArray(IntentType[]::new));
    }

    @Bean
    Handoff handoff(HandoffProperties properties, Environment environment, SessionStore store, KeyRing keys,
        IntentRegistry intents, ObjectProvider<UserDirectory> users, ObjectProvider<OtpSender> otpSenders,
        ObjectProvider<LoginPolicy> loginPolicy, ObjectProvider<SessionListener> listeners,
        ObjectProvider<OperationObserver> observers, ObjectProvider<HandoffBuilderCustomizer> customizers) {
      UserDirectory userDirectory = users.getIfUnique();
      if (userDirectory == null) {
        throw new HandoffConfigurationException("Handoff needs exactly one bean of type dev.handoff.spi.UserDirectory "
            + "(found " + users.stream().count() + "): the engine looks up and creates your users through it.",
            "Define a @Bean of type UserDirectory over your users (findById, findByEmail, create), or mark one "
                + "@Primary.");
      }
      OtpSender otpSender = otpSenders.getIfUnique();
      HandoffProperties.Login login = properties.getLogin();
      if (otpSender == null && login.isUnauthenticatedSessions()) {
        throw new HandoffConfigurationException("Sessions without a user sign in with a one-time code, but there is "
            + "no single bean of type dev.handoff.spi.OtpSender to send it (handoff.login.unauthenticated-sessions "
            + "is true).", "Define a @Bean of type OtpSender that emails or texts the code, or set "
                + "handoff.login.unauthenticated-sessions=false if every session you create names its user.");
      }
      Handoff.Builder builder = Handoff.builder()
          .store(store)
          .keys(keys)
          .intents(intents)
          .userDirectory(userDirectory);
      set("handoff.web.public-url", HostedPageUrl.of(properties, environment), builder::hostedPageUrl);
      if (otpSender != null) {
        builder.otpSender(otpSender);
      }
      LoginPolicy policy = loginPolicy.getIfAvailable(() -> loginPolicyOf(login));
      builder.loginPolicy(policy);
      set("handoff.default-ttl", properties.getDefaultTtl(), builder::defaultTtl);
      set("handoff.max-ttl", properties.getMaxTtl(), builder::maxTtl);
      set("handoff.retention", properties.getRetention(), builder::retention);
      set("handoff.clock-skew", properties.getClockSkew(), builder::clockSkew);
      set("handoff.id-prefix", properties.getIdPrefix(), builder::idPrefix);
      set("handoff.single-use", properties.getSingleUse(), builder::singleUse);
      set("handoff.idle-timeout", properties.getIdleTimeout(), builder::idleTimeout);
      set("handoff.max-idle-timeout", properties.getMaxIdleTimeout(), builder::maxIdleTimeout);
      set("handoff.default-active-lifetime", properties.getDefaultActiveLifetime(), builder::defaultActiveLifetime);
      set("handoff.max-active-lifetime", properties.getMaxActiveLifetime(), builder::maxActiveLifetime);
      set("handoff.address-policy", properties.getAddressPolicy(), builder::addressPolicy);
      set("handoff.max-token-length", properties.getMaxTokenLength(), builder::maxTokenLength);
      set("handoff.max-session-data-bytes", properties.getMaxSessionDataBytes(), builder::maxSessionDataBytes);
      listeners.orderedStream().forEach(builder::listener);
      List<OperationObserver> allObservers = observers.orderedStream().toList();
      if (!allObservers.isEmpty()) {
        builder.operationObserver(allObservers.size() == 1 ? allObservers.get(0)
            : (operation, elapsed, error, unexpected) -> allObservers.forEach(
                o -> o.onOperation(operation, elapsed, error, unexpected)));
      }
      customizers.orderedStream().forEach(c -> c.customize(builder));
      try {
        return builder.build();
      } catch (IllegalStateException e) {
        throw new HandoffConfigurationException("The Handoff engine cannot be built: " + e.getMessage() + ".",
            propertiesNamedIn(e.getMessage()), e);
      }
    }

    /** How to fix a failed build: the properties behind the builder names its message mentions. */
    private static String propertiesNamedIn(String message) {
      List<String> properties = Arrays.stream(message.split("[^A-Za-z]+")).map(BOUNDED_PROPERTIES::get)
          .filter(Objects::nonNull).distinct().toList();
      return properties.isEmpty() ? "Fix the handoff.* property it names."
          : "Fix " + String.join(" or ", properties) + " (or a HandoffBuilderCustomizer that sets them).";
    }

    private static LoginPolicy loginPolicyOf(HandoffProperties.Login login) {
      try {
        return new LoginPolicy(login.getCodeLength(), login.getAlphabet(), login.getCodeTtl(),
            login.getMaxAttempts(), login.getMaxSends(), login.getMinSendInterval(), login.isSignUp());
      } catch (IllegalArgumentException e) {
        throw new HandoffConfigurationException("handoff.login.* is invalid: " + e.getMessage() + ".",
            "Fix the handoff.login property it names, or define a LoginPolicy bean.", e);
      }
    }

    /** Applies a property to a builder, naming the property when the builder refuses its value. */
    static <T> void set(String property, T value, Consumer<T> setter) {
      if (value == null) {
        return;
      }
      try {
        setter.accept(value);
      } catch (IllegalArgumentException e) {
        throw new HandoffConfigurationException(property + " is invalid: " + e.getMessage() + ".",
            "Fix " + property + ".", e);
      }
    }
  }
}
