package dev.handoff;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor of one-time-code sends: bounded in threads and in queued sends, so that a slow gateway
 * cannot pile up work without end; a send past the queue is refused and reported. Daemon threads that end when
 * idle, so an engine needs no shutdown.
 */
final class OtpExecutor {
  static final int THREADS = 2;
  static final int QUEUE = 1000;

  private OtpExecutor() {}

  static Executor create() {
    var threadNumber = new AtomicInteger();
    var executor = new ThreadPoolExecutor(THREADS, THREADS, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(QUEUE),
        task -> {
          var thread = new Thread(task, "handoff-otp-" + threadNumber.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }
}
