package dev.handoff.reliability;

import static dev.handoff.reliability.Engines.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.Handoff;
import dev.handoff.Session;
import dev.handoff.UpdateSessionRequest;
import dev.handoff.spi.ErrorCode;
import dev.handoff.storage.tck.AbortedPropertiesAreSkipped;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Tenant isolation as a law, on every store: random sequences of creates (with and without idempotency keys),
 * reads, lists, updates and revocations over tenants that look alike ({@code acme}, {@code ACME}, {@code ac me},
 * {@code acme} + combining accent, + zero-width space, + lone surrogate, + NUL, + bidi override, + a trailing
 * space) never let one
 * tenant see or change another's session. Tenant names a driver would fold are refused with INVALID_REQUEST.
 */
@AddLifecycleHook(value = AbortedPropertiesAreSkipped.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
@AddLifecycleHook(value = TenantIsolationProperties.OpensTheStore.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class TenantIsolationProperties {
  /** Tenants that differ from {@code acme} in a way every store must keep apart. */
  static final List<String> LOOK_ALIKES = List.of("acme", "ACME", "ac me", "acme\u0301", "acme\u200B", "acmé");
  /**
   * Tenants that core must refuse before any store: a driver could fold them into another tenant (lone
   * surrogates, NUL), or they pass for another one (bidi override, a control, surrounding white space).
   */
  static final List<String> HOSTILE = List.of("acme\uD800", "acme\uDBFF", "acme\u0000", "acme\u202E",
      "acme\u0007", "acme ");
  private static final AtomicInteger TRIES = new AtomicInteger();

  private StoreFixture fixture;

  sealed interface Op {}

  record Create(int tenant, int key) implements Op {}

  record Get(int tenant, int pick) implements Op {}

  record Update(int tenant, int pick) implements Op {}

  record Revoke(int tenant, int pick) implements Op {}

  record ListAll(int tenant) implements Op {}

  @Provide
  Arbitrary<List<Op>> operations() {
    int tenants = LOOK_ALIKES.size() + HOSTILE.size();
    Arbitrary<Integer> tenant = Arbitraries.integers().between(0, tenants - 1);
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 99);
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Combinators.combine(tenant, Arbitraries.integers().between(-1, 2))
            .as(Create::new)),
        net.jqwik.api.Tuple.of(3, Combinators.combine(tenant, pick).as(Get::new)),
        net.jqwik.api.Tuple.of(2, Combinators.combine(tenant, pick).as(Update::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(tenant, pick).as(Revoke::new)),
        net.jqwik.api.Tuple.of(1, tenant.map(ListAll::new)));
    return op.list().ofMinSize(5).ofMaxSize(30);
  }

  @Property(tries = 40)
  @On(Backend.MEMORY)
  void isolatedOnMemory(@ForAll("operations") List<Op> ops) {
    check(ops);
  }

  @Property(tries = 30)
  @On(Backend.H2)
  void isolatedOnH2(@ForAll("operations") List<Op> ops) {
    check(ops);
  }

  @Property(tries = 15)
  @On(Backend.POSTGRESQL)
  void isolatedOnPostgres(@ForAll("operations") List<Op> ops) {
    check(ops);
  }

  @Property(tries = 15)
  @On(Backend.MARIADB)
  void isolatedOnMariaDb(@ForAll("operations") List<Op> ops) {
    check(ops);
  }

  @Property(tries = 15)
  @On(Backend.REDIS)
  void isolatedOnRedis(@ForAll("operations") List<Op> ops) {
    check(ops);
  }

  @Property(tries = 15)
  @On(Backend.REDIS_CLUSTER)
  void isolatedOnRedisCluster(@ForAll("operations") List<Op> ops) {
    check(ops);
  }

  /** The store a property runs on. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @interface On {
    Backend value();
  }

  /**
   * Opens the property's store {@linkplain On on} before its first try and closes it after the last, so that an
   * unreachable database or Redis skips the property with the reason ({@link AbortedPropertiesAreSkipped}, outside
   * this hook); opened in a try, it would count as a rejected try and the property fail as exhausted.
   */
  static final class OpensTheStore implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
      var test = (TenantIsolationProperties) context.testInstance();
      test.fixture = StoreFixture.open(context.findAnnotation(On.class).orElseThrow().value());
      try {
        return property.execute();
      } finally {
        test.fixture.close();
        test.fixture = null;
      }
    }

    @Override
    public int aroundPropertyProximity() {
      return -50;
    }
  }

  private void check(List<Op> ops) {
    var users = new Users();
    Handoff engine = Engines.builder(fixture.store(), users, new RecordingSender()).build();
    // A fresh namespace per try: the store is shared by the property's tries.
    String run = "p" + TRIES.incrementAndGet() + "/";
    List<String> tenants = new ArrayList<>();
    LOOK_ALIKES.forEach(t -> tenants.add(run + t));
    HOSTILE.forEach(t -> tenants.add(run + t));
    var owner = new HashMap<String, String>(); // id -> tenant
    var byKey = new HashMap<String, String>(); // tenant + key -> id
    var ids = new ArrayList<String>();
    var revoked = new java.util.HashSet<String>();
    for (Op op : ops) {
      if (op instanceof Create c) {
          String tenant = tenants.get(c.tenant());
          var request = checkout(tenant);
          if (c.key() >= 0) {
            request.idempotencyKey("key-" + c.key());
          }
          var outcome = outcome(() -> engine.create(request.build()).session());
          if (isHostile(c.tenant())) {
            assertThat(outcome.error()).as("create in %s", tenant).isEqualTo(ErrorCode.INVALID_REQUEST);
            continue;
          }
          if (c.key() >= 0 && revoked.contains(byKey.get(tenant + "\u0000" + c.key()))) {
            // A replay of a key whose session was revoked is refused, not answered with the dead session.
            assertThat(outcome.error()).as("replay of a revoked key in %s", tenant).isEqualTo(ErrorCode.CONFLICT);
            continue;
          }
          assertThat(outcome.error()).as("create in %s", tenant).isNull();
          Session s = outcome.value();
          assertThat(s.tenant()).isEqualTo(tenant);
          if (c.key() >= 0) {
            String earlier = byKey.putIfAbsent(tenant + "\u0000" + c.key(), s.id());
            assertThat(s.id()).as("replay of key %d in %s", c.key(), tenant)
                .isEqualTo(earlier == null ? s.id() : earlier);
          }
          if (!owner.containsKey(s.id())) {
            owner.put(s.id(), tenant);
            ids.add(s.id());
          }
          assertThat(owner.get(s.id())).isEqualTo(tenant);
      } else if (op instanceof Get g) {
          if (ids.isEmpty()) {
            continue;
          }
          String id = ids.get(g.pick() % ids.size());
          String tenant = tenants.get(g.tenant());
          var outcome = outcome(() -> engine.get(tenant, id));
          assertThat(outcome.error()).as("get %s from %s", id, tenant).isEqualTo(expectedError(g.tenant(),
              tenant, owner.get(id)));
      } else if (op instanceof Update u) {
          if (ids.isEmpty()) {
            continue;
          }
          String id = ids.get(u.pick() % ids.size());
          String tenant = tenants.get(u.tenant());
          var outcome = outcome(() -> engine.update(tenant, id,
              UpdateSessionRequest.builder().metadata(Map.of("by", tenant.replaceAll("[^a-zA-Z/0-9 ]", "?")))
                  .build()));
          ErrorCode expected = expectedError(u.tenant(), tenant, owner.get(id));
          if (expected == null) {
            assertThat(outcome.error()).as("update %s from its tenant", id).isIn(null, ErrorCode.CONFLICT);
          } else {
            assertThat(outcome.error()).as("update %s from %s", id, tenant).isEqualTo(expected);
          }
      } else if (op instanceof Revoke r) {
          if (ids.isEmpty()) {
            continue;
          }
          String id = ids.get(r.pick() % ids.size());
          String tenant = tenants.get(r.tenant());
          var outcome = outcome(() -> engine.revoke(tenant, id));
          ErrorCode expected = expectedError(r.tenant(), tenant, owner.get(id));
          if (expected == null) {
            assertThat(outcome.error()).as("revoke %s from its tenant", id).isIn(null, ErrorCode.CONFLICT);
            revoked.add(id);
          } else {
            assertThat(outcome.error()).as("revoke %s from %s", id, tenant).isEqualTo(expected);
          }
      } else if (op instanceof ListAll l) {
          String tenant = tenants.get(l.tenant());
          var outcome = outcome(() -> engine.list(tenant, null, 1000).sessions().stream().map(Session::id)
              .collect(Collectors.toSet()));
          if (isHostile(l.tenant())) {
            assertThat(outcome.error()).isEqualTo(ErrorCode.INVALID_REQUEST);
          } else {
            Set<String> mine = owner.entrySet().stream().filter(e -> e.getValue().equals(tenant))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
            assertThat(outcome.value()).as("list of %s", tenant).isEqualTo(mine);
          }
      }
    }
    // Every session is still its owner's, untouched by the others' attempts.
    for (String id : ids) {
      Session s = engine.get(owner.get(id), id);
      assertThat(s.tenant()).isEqualTo(owner.get(id));
      Object by = s.metadata().get("by");
      if (by != null) {
        assertThat(by).isEqualTo(owner.get(id).replaceAll("[^a-zA-Z/0-9 ]", "?"));
      }
    }
  }

  private static boolean isHostile(int tenantIndex) {
    return tenantIndex >= LOOK_ALIKES.size();
  }

  private static ErrorCode expectedError(int tenantIndex, String tenant, String ownerTenant) {
    if (isHostile(tenantIndex)) {
      return ErrorCode.INVALID_REQUEST;
    }
    return tenant.equals(ownerTenant) ? null : ErrorCode.NOT_FOUND;
  }

  private static <T> Outcome<T> outcome(java.util.concurrent.Callable<T> call) {
    try {
      return Outcome.of(call);
    } catch (Exception e) {
      throw new AssertionError("untyped failure", e);
    }
  }
}
