package dev.handoff.spring;

import dev.handoff.IntentType;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.OtpSender;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import dev.handoff.spi.UserDirectory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What an application defines: its users, its intent types and a code sender. */
final class TestApplicationBeans {
  private TestApplicationBeans() {}

  /** A fake directory: tenant-scoped users in a map. */
  static final class MapUserDirectory implements UserDirectory {
    final Map<String, User> users = new ConcurrentHashMap<>();

    MapUserDirectory with(String tenant, User user) {
      users.put(tenant + "/" + user.id(), user);
      return this;
    }

    @Override
    public Optional<User> findById(String tenant, String userId) {
      return Optional.ofNullable(users.get(tenant + "/" + userId));
    }

    @Override
    public Optional<User> findByEmail(String tenant, String email) {
      return users.entrySet().stream().filter(e -> e.getKey().startsWith(tenant + "/"))
          .map(Map.Entry::getValue).filter(u -> u.email().equalsIgnoreCase(email)).findFirst();
    }

    @Override
    public User create(String tenant, UserDetails details) {
      if (findByEmail(tenant, details.email()).isPresent()) {
        throw new HandoffException(ErrorCode.UNPROCESSABLE, "email taken");
      }
      User user = new User("usr_" + users.size(), details.email(), details.name());
      with(tenant, user);
      return user;
    }
  }

  /** Remembers what it was asked to send (a mock: the gateway cannot be real). */
  static final class RecordingOtpSender implements OtpSender {
    final List<String> codes = new CopyOnWriteArrayList<>();

    @Override
    public void send(String tenant, String sessionId, String email, String code) {
      codes.add(code);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Users {
    @Bean
    MapUserDirectory userDirectory() {
      return new MapUserDirectory().with("t1", new User("usr_1", "ada@example.com", "Ada"));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Intents {
    @Bean
    IntentType checkout() {
      return IntentType.builder("checkoutNewSubscription").required("plan", String.class).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Codes {
    @Bean
    RecordingOtpSender otpSender() {
      return new RecordingOtpSender();
    }
  }
}
