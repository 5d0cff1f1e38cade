package dev.handoff.storage.redis;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One thread-safe Lettuce connection, standalone or cluster, and the store's way of calling it: every command waits
 * at most the command timeout, scripts run by digest ({@code EVALSHA}) with a fallback to {@code EVAL} where the
 * server does not know them yet ({@code NOSCRIPT}: a restarted or new cluster node), and every failure becomes a
 * {@link HandoffException} with {@link ErrorCode#STORAGE_UNAVAILABLE} and the cause attached.
 *
 * <p>Lettuce multiplexes the commands of all threads over the connection (pipelining), so one connection serves
 * any number of threads. Thread-safe.
 */
final class LettuceConnection implements AutoCloseable {
  private static final String[] NO_ARGS = new String[0];

  private final StatefulConnection<String, String> connection;
  private final RedisClusterAsyncCommands<String, String> commands;
  private final AbstractRedisClient ownedClient;
  private final long timeoutNanos;
  private final String timeoutText;

  /**
   * @param connection the connection to close on {@link #close()}, or {@code null} if the caller owns it
   * @param ownedClient the client to shut down on {@link #close()}, or {@code null} if the caller owns it
   */
  LettuceConnection(StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> commands,
      AbstractRedisClient ownedClient, Duration commandTimeout) {
    this.connection = connection;
    this.commands = commands;
    this.ownedClient = ownedClient;
    this.timeoutNanos = commandTimeout.toNanos();
    this.timeoutText = commandTimeout.toString();
  }

  /** The asynchronous commands; pass each future to {@link #await}. */
  RedisClusterAsyncCommands<String, String> commands() {
    return commands;
  }

  /**
   * Waits for {@code command}'s reply.
   *
   * @param operation what the command does, for the message ("insert a session")
   * @throws HandoffException {@link ErrorCode#STORAGE_UNAVAILABLE} if the command fails, times out (then it is
   *     cancelled, but it may have run on the server: the outcome is unknown) or the thread is interrupted
   */
  <T> T await(String operation, Supplier<RedisFuture<T>> command) {
    RedisFuture<T> future = send(operation, command);
    try {
      return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RedisNoScriptException noScript) {
        throw noScript; // handled by script(); never reaches the store's callers
      }
      throw unavailable(operation, cause);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new HandoffException(ErrorCode.STORAGE_UNAVAILABLE, "Redis did not answer within " + timeoutText
          + " to " + operation + "; the command may still have run, so its outcome is unknown", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HandoffException(ErrorCode.STORAGE_UNAVAILABLE,
          "interrupted while waiting for Redis to " + operation + "; its outcome is unknown", e);
    }
  }

  /** Runs {@code script} by digest, loading it by {@code EVAL} where the server does not know it. */
  List<Object> script(LuaScript script, String[] keys, String... args) {
    String[] values = args == null ? NO_ARGS : args;
    try {
      return await(script.name(), () -> commands.evalsha(script.sha1(), ScriptOutputType.MULTI, keys, values));
    } catch (RedisNoScriptException e) {
      return await(script.name(), () -> commands.eval(script.source(), ScriptOutputType.MULTI, keys, values));
    }
  }

  /**
   * Runs {@code script} once per element of {@code keys} and {@code args} (the same length), all sent before the
   * first reply is awaited, so that many calls cost about one round trip; replies in the order of the calls.
   * Scripts a server does not know yet are loaded by {@code EVAL} and run again.
   */
  List<List<Object>> scripts(LuaScript script, List<String[]> keys, List<String[]> args) {
    var futures = new ArrayList<RedisFuture<List<Object>>>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      String[] k = keys.get(i);
      String[] a = args.get(i);
      futures.add(send(script.name(), () -> commands.evalsha(script.sha1(), ScriptOutputType.MULTI, k, a)));
    }
    var replies = new ArrayList<List<Object>>(futures.size());
    for (int i = 0; i < futures.size(); i++) {
      RedisFuture<List<Object>> future = futures.get(i);
      try {
        replies.add(await(script.name(), () -> future));
      } catch (RedisNoScriptException e) {
        replies.add(script(script, keys.get(i), args.get(i)));
      }
    }
    return replies;
  }

  /** The hashes at {@code keys} ({@code HGETALL}), all sent before the first reply is awaited; empty where absent. */
  List<Map<String, String>> hashes(String operation, List<String> keys) {
    var futures = new ArrayList<RedisFuture<Map<String, String>>>(keys.size());
    for (String key : keys) {
      futures.add(send(operation, () -> commands.hgetall(key)));
    }
    var replies = new ArrayList<Map<String, String>>(futures.size());
    for (RedisFuture<Map<String, String>> future : futures) {
      replies.add(await(operation, () -> future));
    }
    return replies;
  }

  private static <T> RedisFuture<T> send(String operation, Supplier<RedisFuture<T>> command) {
    try {
      return command.get();
    } catch (RuntimeException e) { // e.g. a closed connection refuses the command at once
      throw unavailable(operation, e);
    }
  }

  private static HandoffException unavailable(String operation, Throwable cause) {
    // Lettuce's messages name the command and the server's error (e.g. OOM, CLUSTERDOWN), never stored values.
    return new HandoffException(ErrorCode.STORAGE_UNAVAILABLE,
        "Redis failed to " + operation + ": " + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), cause);
  }

  /** Closes the connection and shuts the client down, each if this store created it. */
  @Override
  public void close() {
    try {
      if (connection != null) {
        connection.close();
      }
    } finally {
      if (ownedClient != null) {
        ownedClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }
}
