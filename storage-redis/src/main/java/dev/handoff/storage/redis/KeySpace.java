package dev.handoff.storage.redis;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;

/**
 * The names of the store's Redis keys. Every key of one tenant carries the same hash tag, {@code {<tenant>}}, so
 * that all of them live in one cluster slot and one Lua script may touch several:
 *
 * <pre>
 * &lt;prefix&gt;{&lt;tenant&gt;}:s:&lt;id&gt;      hash    one session, a field per component
 * &lt;prefix&gt;{&lt;tenant&gt;}:k:&lt;key&gt;     string  idempotency key claim: the id of the session that holds it
 * &lt;prefix&gt;{&lt;tenant&gt;}:ids         zset    the tenant's session ids, all scored 0 (listing in id order)
 * &lt;prefix&gt;{&lt;tenant&gt;}:exp         zset    the tenant's session ids scored by expiresAt in ms (sweeping)
 * &lt;prefix&gt;{&lt;tenant&gt;}:live        zset    ids of the sessions in a non-terminal status, by expiresAt in ms
 *                                     (listEnded)
 * &lt;prefix&gt;{&lt;tenant&gt;}:u:&lt;user&gt;    zset    ids of the sessions of one existing user, all scored 0
 *                                     (listByUser)
 * &lt;prefix&gt;{&lt;tenant&gt;}:c:&lt;key&gt;     hash    a fixed-window counter: count n, window end w
 * &lt;prefix&gt;{&lt;tenant&gt;}:cexp        zset    the tenant's counter keys scored by window end in ms (sweeping)
 * &lt;prefix&gt;tenants               zset    tenants, scored by a lower bound of their earliest expiry (either kind)
 * </pre>
 *
 * <p>The scripts keep the sorted sets of sessions exact as sessions are written and swept; an entry outlives its
 * session only when Redis drops the session natively (at expiresAt plus the retention), and is dropped by the next
 * listing that meets it. Each sorted set expires itself with its longest-lived session.
 *
 * <p>Inside the tag the tenant is escaped so that any string is safe there: {@code %}, <code>{</code> and
 * <code>}</code> become {@code %25}, {@code %7B} and {@code %7D}, and the empty tenant becomes {@code %} (an empty
 * tag would hash the whole key). Ids, idempotency keys and user ids follow the tag as they are. Immutable.
 */
final class KeySpace {
  private final String prefix;
  private final String registry;

  /** @param prefix checked by the builder: no braces */
  KeySpace(String prefix) {
    this.prefix = prefix;
    this.registry = prefix + "tenants";
  }

  String prefix() {
    return prefix;
  }

  /** The key of the tenant registry. */
  String registry() {
    return registry;
  }

  /** The keys of one tenant. */
  TenantKeys tenant(String tenant) {
    checkWellFormed("tenant", tenant);
    return new TenantKeys(prefix + "{" + escape(tenant) + "}:");
  }

  static String escape(String tenant) {
    if (tenant.isEmpty()) {
      return "%";
    }
    StringBuilder out = null;
    for (int i = 0; i < tenant.length(); i++) {
      char c = tenant.charAt(i);
      String escaped = switch (c) {
        case '%' -> "%25";
        case '{' -> "%7B";
        case '}' -> "%7D";
        default -> null;
      };
      if (escaped != null && out == null) {
        out = new StringBuilder(tenant.length() + 8).append(tenant, 0, i);
      }
      if (out != null) {
        if (escaped != null) {
          out.append(escaped);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? tenant : out.toString();
  }

  /**
   * Refuses a key part with an unpaired surrogate: UTF-8 cannot encode it, so two different strings would name the
   * same Redis key.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} naming the part
   */
  static String checkWellFormed(String name, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
        } else {
          throw new HandoffException(ErrorCode.INVALID_REQUEST, name + " contains an unpaired surrogate");
        }
      }
    }
    return value;
  }

  /** The keys of one tenant, all in the slot of its hash tag. */
  record TenantKeys(String base) {
    String session(String id) {
      return base + "s:" + checkWellFormed("id", id);
    }

    /** What {@link #session} puts before the id, for scripts that build session keys from ids. */
    String sessionPrefix() {
      return base + "s:";
    }

    String claim(String idempotencyKey) {
      return base + "k:" + checkWellFormed("idempotencyKey", idempotencyKey);
    }

    String claimPrefix() {
      return base + "k:";
    }

    String ids() {
      return base + "ids";
    }

    String expiry() {
      return base + "exp";
    }

    /** The non-terminal sessions by expiry. */
    String live() {
      return base + "live";
    }

    /** The sessions of the existing user {@code userId}. */
    String user(String userId) {
      return base + "u:" + checkWellFormed("userId", userId);
    }

    /** What {@link #user} puts before the user id, for scripts that build the key from a session's user. */
    String userPrefix() {
      return base + "u:";
    }

    /** Counter keys are printable ASCII, checked by the SPI. */
    String counter(String key) {
      return base + "c:" + key;
    }

    String counterPrefix() {
      return base + "c:";
    }

    String counterExpiry() {
      return base + "cexp";
    }
  }
}
