package dev.handoff.storage.redis;

/**
 * The Lua scripts of the store. Each runs as one atomic step on the server: it reads, decides and writes without
 * another command in between, so no client ever does a read-modify-write. Every key a script touches carries the
 * same tenant hash tag (see {@link KeySpace}), so each runs on one cluster slot; keys built inside a script from a
 * prefix in {@code ARGV} share that tag.
 *
 * <p>Instants are compared as decimal strings of epoch nanoseconds ({@code lt}), never as Lua numbers, which are
 * doubles and would round them. Versions are incremented with {@code HINCRBY}, exact to 64 bits. Empty replies
 * ({@code {}}) mean "nothing matched". Stateless.
 */
final class Scripts {
  private Scripts() {}

  private static final String PRELUDE = """
      local function lt(a, b)
        local na, nb = a:byte(1) == 45, b:byte(1) == 45
        if na ~= nb then return na end
        if #a ~= #b then return (#a < #b) ~= na end
        for i = 1, #a do
          local x, y = a:byte(i), b:byte(i)
          if x ~= y then return (x < y) ~= na end
        end
        return false
      end
      local function extend(key, at)
        redis.call('PEXPIREAT', key, at, 'NX')
        redis.call('PEXPIREAT', key, at, 'GT')
      end
      local function first_score(key)
        local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
        return first[2] or ''
      end
      local function earliest(sessions, counters)
        local a, b = first_score(sessions), first_score(counters)
        if a == '' then return b end
        if b == '' or tonumber(a) <= tonumber(b) then return a end
        return b
      end
      """;

  /**
   * KEYS: session, claim (the session key again without idempotency key), ids, exp, counter exp. ARGV: id,
   * expire-at (ms), expiry score, has key (1/0), then field, value, ... Returns {0 inserted | 1 id taken | 2 key
   * taken, earliest expiry score of the tenant (sessions and counters) before the insert, or ''}.
   */
  static final LuaScript INSERT = LuaScript.of("insert a session", PRELUDE + """
      if redis.call('EXISTS', KEYS[1]) == 1 then return {1, ''} end
      local claimed = ARGV[4] == '1'
      if claimed and redis.call('EXISTS', KEYS[2]) == 1 then return {2, ''} end
      redis.call('HSET', KEYS[1], unpack(ARGV, 5))
      redis.call('PEXPIREAT', KEYS[1], ARGV[2])
      if claimed then redis.call('SET', KEYS[2], ARGV[1], 'PXAT', ARGV[2]) end
      local before = earliest(KEYS[4], KEYS[5])
      redis.call('ZADD', KEYS[3], 0, ARGV[1])
      redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
      extend(KEYS[3], ARGV[2])
      extend(KEYS[4], ARGV[2])
      return {0, before}
      """);

  /**
   * KEYS: session, new claim (or the session key), ids, exp, counter exp. ARGV: expected version, expire-at (ms), expiry score,
   * has key (1/0), new key, claim prefix, id, then field, value, ... Returns {0 stale or absent | 1 replaced |
   * 2 key taken, earliest expiry score of the tenant before the change, or ''}.
   */
  static final LuaScript REPLACE = LuaScript.of("replace a session", PRELUDE + """
      local current = redis.call('HMGET', KEYS[1], 'v', 'ik')
      if current[1] ~= ARGV[1] then return {0, ''} end
      local claimed, old = ARGV[4] == '1', current[2]
      if claimed and old ~= ARGV[5] and redis.call('EXISTS', KEYS[2]) == 1 then return {2, ''} end
      if old and not (claimed and old == ARGV[5]) then redis.call('DEL', ARGV[6] .. old) end
      redis.call('DEL', KEYS[1])
      redis.call('HSET', KEYS[1], unpack(ARGV, 8))
      redis.call('PEXPIREAT', KEYS[1], ARGV[2])
      if claimed then redis.call('SET', KEYS[2], ARGV[7], 'PXAT', ARGV[2]) end
      local before = earliest(KEYS[4], KEYS[5])
      redis.call('ZADD', KEYS[4], ARGV[3], ARGV[7])
      extend(KEYS[3], ARGV[2])
      extend(KEYS[4], ARGV[2])
      return {1, before}
      """);

  /**
   * KEYS: session. ARGV: token generation, now (ns), new status, has browser (1/0), browser digest, activatedAt,
   * lastSeenAt. Returns the hash after the change as field, value, ..., or {} if the session is absent, not OPEN,
   * of another generation or expired at now.
   */
  static final LuaScript CONSUME = LuaScript.of("consume a session", PRELUDE + """
      local current = redis.call('HMGET', KEYS[1], 'st', 'tg', 'xa')
      if current[1] ~= 'OPEN' or current[2] ~= ARGV[1] or not lt(ARGV[2], current[3]) then return {} end
      redis.call('HINCRBY', KEYS[1], 'v', 1)
      redis.call('HSET', KEYS[1], 'st', ARGV[3], 'ma', ARGV[2])
      if ARGV[4] == '1' then
        redis.call('HSET', KEYS[1], 'bd', ARGV[5], 'ba', ARGV[6], 'bl', ARGV[7])
      else
        redis.call('HDEL', KEYS[1], 'bd', 'ba', 'bl')
      end
      return redis.call('HGETALL', KEYS[1])
      """);

  /** KEYS: claim. ARGV: session prefix. Returns {id, {field, value, ...}} of the holder, or {}. */
  static final LuaScript FIND_BY_KEY = LuaScript.of("find a session by idempotency key", """
      local id = redis.call('GET', KEYS[1])
      if not id then return {} end
      return {id, redis.call('HGETALL', ARGV[1] .. id)}
      """);

  /**
   * KEYS: ids, exp. ARGV: session prefix, cursor ('' for the first page), how many. Returns up to that many
   * {id, {field, value, ...}} in id order after the cursor; drops index entries of sessions that expired natively.
   */
  static final LuaScript LIST = LuaScript.of("list sessions", """
      local want = tonumber(ARGV[3])
      local from = ARGV[2] == '' and '-' or '(' .. ARGV[2]
      local out = {}
      while #out < want do
        local ids = redis.call('ZRANGE', KEYS[1], from, '+', 'BYLEX', 'LIMIT', 0, want - #out)
        if #ids == 0 then break end
        for _, id in ipairs(ids) do
          local hash = redis.call('HGETALL', ARGV[1] .. id)
          if #hash == 0 then
            redis.call('ZREM', KEYS[1], id)
            redis.call('ZREM', KEYS[2], id)
          else
            out[#out + 1] = {id, hash}
          end
        end
        from = '(' .. ids[#ids]
      end
      return out
      """);

  /**
   * KEYS: exp, ids, counter exp. ARGV: session prefix, claim prefix, counter prefix, before (ns), before (ms,
   * rounded down), at most how many sessions, at most how many counters. Deletes sessions with expiresAt < before
   * (with their claims and index entries) and counters whose window ended before it; drops index entries of keys
   * that expired natively. Returns {sessions deleted, counters deleted, earliest expiry score left, or ''}.
   */
  static final LuaScript SWEEP = LuaScript.of("delete expired sessions", PRELUDE + """
      local function sweep(index, prefix, field, max, on_delete)
        local deleted, skipped = 0, 0
        while deleted < max do
          local members = redis.call('ZRANGE', index, '-inf', ARGV[5], 'BYSCORE', 'LIMIT', skipped, max - deleted)
          if #members == 0 then break end
          for _, member in ipairs(members) do
            local key = prefix .. member
            local at = redis.call('HGET', key, field)
            if not at then
              on_delete(member, nil)
            elseif lt(at, ARGV[4]) then
              on_delete(member, key)
              redis.call('DEL', key)
              deleted = deleted + 1
            else
              skipped = skipped + 1
            end
          end
        end
        return deleted
      end
      local sessions = sweep(KEYS[1], ARGV[1], 'xa', tonumber(ARGV[6]), function(id, key)
        if key then
          local claim = redis.call('HGET', key, 'ik')
          if claim then redis.call('DEL', ARGV[2] .. claim) end
        end
        redis.call('ZREM', KEYS[1], id)
        redis.call('ZREM', KEYS[2], id)
      end)
      local counters = sweep(KEYS[3], ARGV[3], 'w', tonumber(ARGV[7]), function(name)
        redis.call('ZREM', KEYS[3], name)
      end)
      return {sessions, counters, earliest(KEYS[1], KEYS[3])}
      """);

  /** KEYS: exp, counter exp. Returns {earliest expiry score of the tenant, or ''}. */
  static final LuaScript EARLIEST = LuaScript.of("read a tenant's earliest expiry", PRELUDE + """
      return {earliest(KEYS[1], KEYS[2])}
      """);

  /**
   * KEYS: counter, counter exp, exp. ARGV: now (ns), window end (ns), window end (ms, rounded up), window end
   * score (ms, rounded down), counter name. Counts one event: a counter that is absent or whose stored window end
   * is at or before now starts again at 1 with the new window end and expires natively then; otherwise it grows
   * by one. Returns {count, earliest expiry score of the tenant before a restart, or '' (also when counting on)},
   * and {count, '-'} when the window ran on.
   */
  static final LuaScript INCREMENT = LuaScript.of("count an event", PRELUDE + """
      local window = redis.call('HGET', KEYS[1], 'w')
      if window and lt(ARGV[1], window) then
        return {redis.call('HINCRBY', KEYS[1], 'n', 1), '-'}
      end
      local before = earliest(KEYS[3], KEYS[2])
      redis.call('HSET', KEYS[1], 'n', 1, 'w', ARGV[2])
      redis.call('PEXPIREAT', KEYS[1], ARGV[3])
      redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
      extend(KEYS[2], ARGV[3])
      return {1, before}
      """);
}
