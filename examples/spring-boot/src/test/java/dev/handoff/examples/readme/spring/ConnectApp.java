package dev.handoff.examples.readme.spring;

// README:begin
import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IntentType;
import dev.handoff.IssuedSession;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import dev.handoff.spi.UserDirectory;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@SpringBootApplication
public class ConnectApp {
  private static final RowMapper<User> USER =
      (rs, i) -> new User(rs.getString("id"), rs.getString("email"), rs.getString("name"));

  public static void main(String[] args) {
    SpringApplication.run(ConnectApp.class, args);
  }

  /** Your users, as Handoff finds and creates them: here your table users (tenant, id, email, name). */
  @Bean
  UserDirectory users(JdbcTemplate jdbc) {
    return new UserDirectory() {
      public Optional<User> findById(String tenant, String id) {
        return jdbc.query("SELECT * FROM users WHERE tenant = ? AND id = ?", USER, tenant, id).stream().findFirst();
      }

      public Optional<User> findByEmail(String tenant, String email) {
        return jdbc.query("SELECT * FROM users WHERE tenant = ? AND email = ?", USER, tenant, email).stream()
            .findFirst();
      }

      public User create(String tenant, UserDetails details) {
        User user = new User("usr_" + UUID.randomUUID(), details.email(), details.name());
        jdbc.update("INSERT INTO users (tenant, id, email, name) VALUES (?, ?, ?, ?)", tenant, user.id(),
            user.email(), user.name());
        return user;
      }
    };
  }

  /** What your sessions do: one bean per kind. */
  @Bean
  IntentType checkoutNewSubscription() {
    return IntentType.builder("checkoutNewSubscription").required("plan", String.class).build();
  }

  /** Your API: a session for one of your users; send them to its url. Authenticate the caller first. */
  @RestController
  static class ConnectSessions {
    private final Handoff handoff;

    ConnectSessions(Handoff handoff) {
      this.handoff = handoff;
    }

    @PostMapping("/connect-sessions")
    Map<String, String> create(@RequestParam String user, @RequestParam String plan) {
      IssuedSession issued = handoff.create(CreateSessionRequest.builder("acme")
          .intent("checkoutNewSubscription", Map.of("plan", plan)).user(user).build());
      return Map.of("id", issued.session().id(), "url", issued.url().orElseThrow());
    }
  }
}
// README:end
