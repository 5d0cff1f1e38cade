package dev.handoff.examples.spring;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import dev.handoff.spi.UserDirectory;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * The application's users, in a table of its own database, as Handoff's {@link UserDirectory}. Emails are stored
 * lower-cased, so they compare case-insensitively. Thread-safe (JdbcTemplate is).
 *
 * <p>The table is created here to keep the example self-contained; a real application's migrations own it.
 */
@Component
class UsersTable implements UserDirectory {
  private static final Pattern TABLE = Pattern.compile("[a-z][a-z0-9_]{0,40}");
  private static final RowMapper<User> USER = (rs, i) -> new User(rs.getString("id"), rs.getString("email"),
      rs.getString("name"));
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcTemplate jdbc;
  private final String table;

  UsersTable(JdbcTemplate jdbc, @Value("${example.users-table:example_users}") String table) {
    if (!TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException("example.users-table must match " + TABLE.pattern());
    }
    this.jdbc = jdbc;
    this.table = table;
    jdbc.execute("CREATE TABLE IF NOT EXISTS " + table + " (tenant VARCHAR(100) NOT NULL, id VARCHAR(40) NOT NULL, "
        + "email VARCHAR(254) NOT NULL, name VARCHAR(200), PRIMARY KEY (tenant, id), UNIQUE (tenant, email))");
  }

  @Override
  public Optional<User> findById(String tenant, String userId) {
    return jdbc.query("SELECT id, email, name FROM " + table + " WHERE tenant = ? AND id = ?", USER, tenant, userId)
        .stream().findFirst();
  }

  @Override
  public Optional<User> findByEmail(String tenant, String email) {
    return jdbc.query("SELECT id, email, name FROM " + table + " WHERE tenant = ? AND email = ?", USER, tenant,
        email.toLowerCase(Locale.ROOT)).stream().findFirst();
  }

  @Override
  public User create(String tenant, UserDetails details) {
    User user = new User("usr_" + HexFormat.of().formatHex(randomBytes()), details.email().toLowerCase(Locale.ROOT),
        details.name());
    try {
      jdbc.update("INSERT INTO " + table + " (tenant, id, email, name) VALUES (?, ?, ?, ?)", tenant, user.id(),
          user.email(), user.name());
    } catch (DuplicateKeyException e) {
      throw new HandoffException(ErrorCode.UNPROCESSABLE, "a user with this email exists in this tenant");
    }
    return user;
  }

  /** Adds a user (the application's own sign-up, outside Handoff). */
  User add(String tenant, String id, String email, String name) {
    jdbc.update("INSERT INTO " + table + " (tenant, id, email, name) VALUES (?, ?, ?, ?)", tenant, id,
        email.toLowerCase(Locale.ROOT), name);
    return new User(id, email.toLowerCase(Locale.ROOT), name);
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
