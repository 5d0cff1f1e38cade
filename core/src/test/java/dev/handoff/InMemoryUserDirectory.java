package dev.handoff;

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

/** A test double of the embedding server's users: emails unique per tenant, compared case-insensitively. */
final class InMemoryUserDirectory implements UserDirectory {
  private final Map<String, User> byId = new ConcurrentHashMap<>();
  private final Map<String, User> byEmail = new ConcurrentHashMap<>();
  private final AtomicInteger created = new AtomicInteger();

  User add(String tenant, String id, String email) {
    var user = new User(id, email, null);
    if (byEmail.putIfAbsent(emailKey(tenant, email), user) != null) {
      throw new HandoffException(ErrorCode.UNPROCESSABLE, "email taken");
    }
    byId.put(tenant + "\u0000" + id, user);
    return user;
  }

  int createdCount() {
    return created.get();
  }

  @Override
  public Optional<User> findById(String tenant, String userId) {
    return Optional.ofNullable(byId.get(tenant + "\u0000" + userId));
  }

  @Override
  public Optional<User> findByEmail(String tenant, String email) {
    return Optional.ofNullable(byEmail.get(emailKey(tenant, email)));
  }

  @Override
  public User create(String tenant, UserDetails details) {
    var user = add(tenant, "usr_" + (created.incrementAndGet()) + "_" + Integer.toHexString(details.email().hashCode()),
        details.email());
    return user;
  }

  private static String emailKey(String tenant, String email) {
    return tenant + "\u0000" + email.toLowerCase(Locale.ROOT);
  }
}
