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
      local function field(hash, name)
        for i = 1, #hash, 2 do
          if hash[i] == name then return hash[i + 1] end
        end
        return nil
      end
      local LIVE = {OPEN = true, LOGIN_REQUIRED = true, ACTIVE = true}
      """;

  /**
   * Lua for the instants a script computes itself: {@code ms(ns)} is the floor and the ceiling of epoch
   * nanoseconds (a decimal string) in whole milliseconds, as Lua numbers (exact: milliseconds stay far below 2^53);
   * {@code int(n)} writes such a number without exponent.
   */
  private static final String MILLIS = """
      local function ms(ns)
        local negative = ns:byte(1) == 45
        local digits = negative and ns:sub(2) or ns
        local whole, rest = 0, digits
        if #digits > 6 then whole, rest = tonumber(digits:sub(1, -7)), digits:sub(-6) end
        local partial = tonumber(rest) > 0
        if negative then
          if partial then return -whole - 1, -whole end
          return -whole, -whole
        end
        if partial then return whole, whole + 1 end
        return whole, whole
      end
      local function int(n)
        return string.format('%.0f', n)
      end
      """;

  /**
   * KEYS: session, claim (the session key again without idempotency key), ids, exp, counter exp, live, user (the
   * session key again without an existing user). ARGV: id, expire-at (ms), expiry score, has key (1/0), live
   * (1/0), has user (1/0), then field, value, ... Returns {0 inserted | 1 id taken | 2 key taken, earliest expiry
   * score of the tenant (sessions and counters) before the insert, or ''}.
   */
  static final LuaScript INSERT = LuaScript.of("insert a session", PRELUDE + """
      if redis.call('EXISTS', KEYS[1]) == 1 then return {1, ''} end
      local claimed = ARGV[4] == '1'
      if claimed and redis.call('EXISTS', KEYS[2]) == 1 then return {2, ''} end
      redis.call('HSET', KEYS[1], unpack(ARGV, 7))
      redis.call('PEXPIREAT', KEYS[1], ARGV[2])
      if claimed then redis.call('SET', KEYS[2], ARGV[1], 'PXAT', ARGV[2]) end
      local before = earliest(KEYS[4], KEYS[5])
      redis.call('ZADD', KEYS[3], 0, ARGV[1])
      redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
      extend(KEYS[3], ARGV[2])
      extend(KEYS[4], ARGV[2])
      if ARGV[5] == '1' then
        redis.call('ZADD', KEYS[6], ARGV[3], ARGV[1])
        extend(KEYS[6], ARGV[2])
      else
        redis.call('ZREM', KEYS[6], ARGV[1]) -- an entry of an earlier session of this id that expired natively
      end
      if ARGV[6] == '1' then
        redis.call('ZADD', KEYS[7], 0, ARGV[1])
        extend(KEYS[7], ARGV[2])
      end
      return {0, before}
      """);

  /**
   * KEYS: session, new claim (or the session key), ids, exp, counter exp, live, new user (or the session key).
   * ARGV: expected version, expire-at (ms), expiry score, has key (1/0), new key, claim prefix, id, live (1/0), new
   * user id ('' for none), user prefix, then field, value, ... Returns {0 stale or absent | 1 replaced | 2 key
   * taken, earliest expiry score of the tenant before the change, or ''}.
   */
  static final LuaScript REPLACE = LuaScript.of("replace a session", PRELUDE + """
      local current = redis.call('HMGET', KEYS[1], 'v', 'ik', 'uid')
      if current[1] ~= ARGV[1] then return {0, ''} end
      local claimed, old = ARGV[4] == '1', current[2]
      if claimed and old ~= ARGV[5] and redis.call('EXISTS', KEYS[2]) == 1 then return {2, ''} end
      if old and not (claimed and old == ARGV[5]) then redis.call('DEL', ARGV[6] .. old) end
      redis.call('DEL', KEYS[1])
      redis.call('HSET', KEYS[1], unpack(ARGV, 11))
      redis.call('PEXPIREAT', KEYS[1], ARGV[2])
      if claimed then redis.call('SET', KEYS[2], ARGV[7], 'PXAT', ARGV[2]) end
      local before = earliest(KEYS[4], KEYS[5])
      redis.call('ZADD', KEYS[4], ARGV[3], ARGV[7])
      extend(KEYS[3], ARGV[2])
      extend(KEYS[4], ARGV[2])
      if ARGV[8] == '1' then
        redis.call('ZADD', KEYS[6], ARGV[3], ARGV[7])
        extend(KEYS[6], ARGV[2])
      else
        redis.call('ZREM', KEYS[6], ARGV[7])
      end
      local user = current[3]
      if user and user ~= ARGV[9] then redis.call('ZREM', ARGV[10] .. user, ARGV[7]) end
      if ARGV[9] ~= '' then
        redis.call('ZADD', KEYS[7], 0, ARGV[7])
        extend(KEYS[7], ARGV[2])
      end
      return {1, before}
      """);

  /**
   * KEYS: session, ids, exp, counter exp, live. ARGV: token generation, now (ns), new status, has browser (1/0),
   * browser digest, activatedAt, lastSeenAt, access log (JSON), id, retention (ms), claim prefix, user prefix,
   * default idle timeout (ns). Starts the second clock: expiresAt = now + the stored active lifetime (a hash from
   * before the clocks were stored gets the single lifetime it was created with, {@code SessionClocks.single}),
   * with the native expiry of the session, its claim and its index entries moved along. Returns {earliest expiry
   * score of the tenant before the change or '', the new expiry score, the hash after the change as field,
   * value, ...}, or {} if the session is absent, not OPEN, of another generation or expired at now.
   */
  static final LuaScript CONSUME = LuaScript.of("consume a session", PRELUDE + MILLIS + """
      local current = redis.call('HMGET', KEYS[1], 'st', 'tg', 'xa', 'ca', 'lf', 'ik', 'uid')
      if current[1] ~= 'OPEN' or current[2] ~= ARGV[1] or not lt(ARGV[2], current[3]) then return {} end
      redis.call('HINCRBY', KEYS[1], 'v', 1)
      redis.call('HSET', KEYS[1], 'st', ARGV[3], 'ma', ARGV[2], 'ax', ARGV[8])
      if ARGV[4] == '1' then
        redis.call('HSET', KEYS[1], 'bd', ARGV[5], 'ba', ARGV[6], 'bl', ARGV[7])
      else
        redis.call('HDEL', KEYS[1], 'bd', 'ba', 'bl')
      end
      local lifetime = current[5]
      if not lifetime then
        local created = current[4]
        redis.call('HSET', KEYS[1], 'lx', current[3], 'to', ARGV[13], 'lf', current[3])
        redis.call('HINCRBY', KEYS[1], 'lf', created:byte(1) == 45 and created:sub(2) or '-' .. created)
        lifetime = redis.call('HGET', KEYS[1], 'lf')
        if lt(lifetime, '1000000000') then
          lifetime = '1000000000'
          redis.call('HSET', KEYS[1], 'lf', lifetime)
        end
      end
      -- Integer arithmetic of the server, exact to 64 bits: Lua numbers are doubles.
      redis.call('HSET', KEYS[1], 'xa', ARGV[2])
      redis.call('HINCRBY', KEYS[1], 'xa', lifetime)
      local floor, ceiling = ms(redis.call('HGET', KEYS[1], 'xa'))
      local score, at = int(floor), int(math.max(1, ceiling + tonumber(ARGV[10])))
      redis.call('PEXPIREAT', KEYS[1], at)
      if current[6] then redis.call('PEXPIREAT', ARGV[11] .. current[6], at) end
      local before = earliest(KEYS[3], KEYS[4])
      redis.call('ZADD', KEYS[3], score, ARGV[9])
      extend(KEYS[2], at)
      extend(KEYS[3], at)
      if LIVE[ARGV[3]] then
        redis.call('ZADD', KEYS[5], score, ARGV[9])
        extend(KEYS[5], at)
      else
        redis.call('ZREM', KEYS[5], ARGV[9])
      end
      if current[7] then extend(ARGV[12] .. current[7], at) end
      return {before, score, redis.call('HGETALL', KEYS[1])}
      """);

  /** KEYS: claim. ARGV: session prefix. Returns {id, {field, value, ...}} of the holder, or {}. */
  static final LuaScript FIND_BY_KEY = LuaScript.of("find a session by idempotency key", """
      local id = redis.call('GET', KEYS[1])
      if not id then return {} end
      return {id, redis.call('HGETALL', ARGV[1] .. id)}
      """);

  /**
   * KEYS: the sorted set to page (the tenant's ids, or one user's), then the other sorted sets to drop a gone
   * session from. ARGV: session prefix, cursor ('' for the first page), how many, the user id every session must
   * have ('' for any). Returns up to that many {id, {field, value, ...}} in id order after the cursor; drops the
   * entries of sessions that expired natively, and of a user's sessions whose id a session of another user took
   * since.
   */
  static final LuaScript PAGE = LuaScript.of("list sessions", PRELUDE + """
      local want = tonumber(ARGV[3])
      local from = ARGV[2] == '' and '-' or '(' .. ARGV[2]
      local out = {}
      while #out < want do
        local ids = redis.call('ZRANGE', KEYS[1], from, '+', 'BYLEX', 'LIMIT', 0, want - #out)
        if #ids == 0 then break end
        for _, id in ipairs(ids) do
          local hash = redis.call('HGETALL', ARGV[1] .. id)
          if #hash == 0 or (ARGV[4] ~= '' and field(hash, 'uid') ~= ARGV[4]) then
            for _, index in ipairs(KEYS) do redis.call('ZREM', index, id) end
          else
            out[#out + 1] = {id, hash}
          end
        end
        from = '(' .. ids[#ids]
      end
      return out
      """);

  /**
   * KEYS: live, ids, exp. ARGV: session prefix, now (ns), now (ms, rounded down), how many, '1' for whole sessions.
   * Returns up to that many {id, expiresAt (ns)} of sessions in a non-terminal status with expiresAt <= now,
   * earliest first, or with ARGV[5] '1' {id, {field, value, ...}}; drops the entries of sessions that expired
   * natively. Ids alone where several tenants answer: of all their candidates, the caller reads only those it keeps.
   */
  static final LuaScript LIST_ENDED = LuaScript.of("list ended sessions", PRELUDE + """
      local want = tonumber(ARGV[4])
      local out, kept = {}, 0 -- kept: entries read that stay in the set, where the next read starts
      while #out < want do
        local ids = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[3], 'BYSCORE', 'LIMIT', kept, want - #out)
        if #ids == 0 then break end
        for _, id in ipairs(ids) do
          local key = ARGV[1] .. id
          local st, xa = unpack(redis.call('HMGET', key, 'st', 'xa'))
          if not st and redis.call('EXISTS', key) == 0 then
            for _, index in ipairs(KEYS) do redis.call('ZREM', index, id) end
          else
            kept = kept + 1
            -- Not yet if it ends later within the same millisecond.
            if LIVE[st] and xa and not lt(ARGV[2], xa) then
              out[#out + 1] = {id, ARGV[5] == '1' and redis.call('HGETALL', key) or xa}
            end
          end
        end
      end
      return out
      """);

  /**
   * KEYS: exp, ids, counter exp, live. ARGV: session prefix, claim prefix, counter prefix, before (ns), before
   * (ms, rounded down), at most how many sessions, at most how many counters, user prefix. Deletes sessions with
   * expiresAt < before (with their claims and index entries) and counters whose window ended before it; drops
   * index entries of keys that expired natively. Returns {sessions deleted, counters deleted, earliest expiry
   * score left, or ''}.
   */
  static final LuaScript SWEEP = LuaScript.of("delete expired sessions", PRELUDE + """
      local function sweep(index, prefix, expiry, max, on_delete)
        local deleted, skipped = 0, 0
        while deleted < max do
          local members = redis.call('ZRANGE', index, '-inf', ARGV[5], 'BYSCORE', 'LIMIT', skipped, max - deleted)
          if #members == 0 then break end
          for _, member in ipairs(members) do
            local key = prefix .. member
            local at = redis.call('HGET', key, expiry)
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
          local links = redis.call('HMGET', key, 'ik', 'uid')
          if links[1] then redis.call('DEL', ARGV[2] .. links[1]) end
          if links[2] then redis.call('ZREM', ARGV[8] .. links[2], id) end
        end
        redis.call('ZREM', KEYS[1], id)
        redis.call('ZREM', KEYS[2], id)
        redis.call('ZREM', KEYS[4], id)
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
