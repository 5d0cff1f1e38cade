package dev.handoff.storage.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script and its SHA-1 digest, the name {@code EVALSHA} calls it by. Immutable.
 *
 * @param name what the script does, for error messages
 * @param source the Lua source
 * @param sha1 the lower-case hex SHA-1 of the source's UTF-8 bytes
 */
record LuaScript(String name, String source, String sha1) {
  static LuaScript of(String name, String source) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return new LuaScript(name, source, HexFormat.of().formatHex(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  }
}
