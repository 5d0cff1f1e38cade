package dev.handoff.reliability;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import dev.handoff.spi.UserDirectory;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A fake of the embedding server's users: emails unique per tenant, compared case-insensitively. Thread-safe. */
final class Users implements UserDirectory {
  private final Map<String, User> byId = new ConcurrentHashMap<>();
  private final Map<String, User> byEmail = new ConcurrentHashMap<>();
  private final AtomicInteger created = new AtomicInteger();

  User add(String tenant, String id, String email) {
    var user = new User(id, email, null);
    if (byEmail.putIfAbsent(tenant + "\u0000" + email.toLowerCase(Locale.ROOT), user) != null) {
      throw new HandoffException(ErrorCode.UNPROCESSABLE, "email taken");
    }
    byId.put(tenant + "\u0000" + id, user);
    return user;
  }

  @Override
  public Optional<User> findById(String tenant, String userId) {
    return Optional.ofNullable(byId.get(tenant + "\u0000" + userId));
  }

  @Override
  public Optional<User> findByEmail(String tenant, String email) {
    return Optional.ofNullable(byEmail.get(tenant + "\u0000" + email.toLowerCase(Locale.ROOT)));
  }

  @Override
  public User create(String tenant, UserDetails details) {
    return add(tenant, "usr_" + created.incrementAndGet(), details.email());
  }
}
