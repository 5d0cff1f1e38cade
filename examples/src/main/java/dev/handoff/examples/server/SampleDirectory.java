package dev.handoff.examples.server;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import dev.handoff.spi.UserDirectory;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The example server's users, in memory: fixed sample users per tenant, the users that {@code userDetails} and
 * one-time-code sign-up create, the workspace's customers and the Apideck consumers. A real server asks its own
 * database here. Thread-safe.
 *
 * <p>Tenants are named per API: {@code gigs:<project>}, {@code apideck:<app>:<consumer>} and
 * {@code workspace:<id>}.
 */
public final class SampleDirectory implements UserDirectory {
  /** The Gigs project of dev mode. */
  public static final String GIGS_PROJECT = "dev";
  /** The user of seed 000's create request, in project {@link #GIGS_PROJECT}. */
  public static final String GIGS_USER = "usr_0U2ViuFW0Z7P8Y2S1L76mfADMT6m";
  /** The Apideck app of seed 001. */
  public static final String APIDECK_APP = "dSBdXd2H6Mqwfg0atXHXYcysLJE9qyn1VwBtXHX";
  /** The workspace of dev mode. */
  public static final String WORKSPACE = "1dbfc517-0bbf-4301-9ba8-555ca42b9737";
  /** The sample customer of {@link #WORKSPACE}. */
  public static final UUID CUSTOMER = UUID.fromString("992fae2a-2a17-4b7a-8d9a-e3f9a6b1c001");

  private final Map<String, Map<String, User>> usersByTenant = new ConcurrentHashMap<>();
  private final Map<String, Customer> customers = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  /** A directory with the sample users of dev mode. */
  public static SampleDirectory withSamples() {
    var directory = new SampleDirectory();
    directory.add(gigsTenant(GIGS_PROJECT), new User(GIGS_USER, "ada@example.com", "Ada Lovelace"));
    Instant joined = Instant.parse("2023-11-07T05:31:56Z");
    var billing = new LinkedHashMap<String, Object>();
    billing.put("country", "DE");
    billing.put("line1", "Musterstrasse 1");
    billing.put("line2", null);
    billing.put("postal_code", "10115");
    billing.put("city", "Berlin");
    billing.put("state", null);
    directory.addCustomer(new Customer(CUSTOMER, WORKSPACE, joined, joined, Map.of(), "usr_1337", "john@example.com",
        true, "John Doe", billing, null, "individual"));
    return directory;
  }

  static String gigsTenant(String project) {
    return "gigs:" + project;
  }

  static String apideckTenant(String app, String consumer) {
    return "apideck:" + app + ":" + consumer;
  }

  static String workspaceTenant(String workspace) {
    return "workspace:" + workspace;
  }

  /** Adds a user to a tenant. */
  public void add(String tenant, User user) {
    usersByTenant.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>()).put(user.id(), user);
  }

  /** Adds a customer to its workspace, and as a user of the workspace's tenant. */
  void addCustomer(Customer customer) {
    customers.put(customer.workspaceId() + "/" + customer.id(), customer);
    add(workspaceTenant(customer.workspaceId()), new User(customer.id().toString(), customer.email(),
        customer.name()));
  }

  /** The customer with this id in this workspace. */
  Optional<Customer> customer(String workspace, UUID id) {
    return Optional.ofNullable(customers.get(workspace + "/" + id));
  }

  /** Records who an Apideck consumer is, from the {@code consumer_metadata} of its latest session. */
  void recordConsumer(String tenant, String consumerId, String name, String email) {
    add(tenant, new User(consumerId, email == null ? consumerId + "@consumers.invalid" : email, name));
  }

  @Override
  public Optional<User> findById(String tenant, String userId) {
    var found = Optional.ofNullable(usersByTenant.getOrDefault(tenant, Map.of()).get(userId));
    if (found.isEmpty() && tenant.startsWith("apideck:") && tenant.endsWith(":" + userId)) {
      // Apideck consumers exist implicitly: the consumer id of the request is the session's user.
      return Optional.of(new User(userId, userId + "@consumers.invalid", null));
    }
    return found;
  }

  @Override
  public Optional<User> findByEmail(String tenant, String email) {
    return usersByTenant.getOrDefault(tenant, Map.of()).values().stream()
        .filter(u -> u.email().equalsIgnoreCase(email)).findFirst();
  }

  @Override
  public synchronized User create(String tenant, UserDetails details) {
    if (findByEmail(tenant, details.email()).isPresent()) {
      throw new HandoffException(ErrorCode.UNPROCESSABLE, "a user with this email already exists");
    }
    byte[] bytes = new byte[15];
    random.nextBytes(bytes);
    var user = new User("usr_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), details.email(),
        details.name());
    add(tenant, user);
    return user;
  }
}
