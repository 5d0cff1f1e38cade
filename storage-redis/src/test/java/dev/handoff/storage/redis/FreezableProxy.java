package dev.handoff.storage.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback in front of a real Redis server whose answers can be held back, to show what a client
 * sees when the server is slow or the network drops replies: requests still reach Redis, replies do not. Threads
 * per connection; for tests only. Thread-safe.
 */
final class FreezableProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean repliesHeld;

  FreezableProxy(String targetHost, int targetPort) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    Thread acceptor = new Thread(this::accept, "proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String uri() {
    return "redis://127.0.0.1:" + port();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Replies from Redis are held back (not lost) until {@link #releaseReplies()}. */
  void holdReplies() {
    repliesHeld = true;
  }

  void releaseReplies() {
    repliesHeld = false;
  }

  /** Drops every open connection, as a failing network would. */
  void dropConnections() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(targetHost, targetPort);
        sockets.add(client);
        sockets.add(upstream);
        pump(client.getInputStream(), upstream.getOutputStream(), false);
        pump(upstream.getInputStream(), client.getOutputStream(), true);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(InputStream in, OutputStream out, boolean replies) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          while (replies && repliesHeld) {
            Thread.sleep(5);
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // connection dropped
      } finally {
        try {
          in.close();
          out.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }, replies ? "proxy-replies" : "proxy-requests");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    dropConnections();
  }
}
