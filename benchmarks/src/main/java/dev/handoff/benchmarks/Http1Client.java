package dev.handoff.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A minimal blocking HTTP/1.1 client over one kept-alive connection, for {@link HostedFlowBenchmark}'s browsers.
 * {@link java.net.http.HttpClient} hands every exchange between the caller, its selector thread and an executor:
 * on 2 shared vCPUs a flow took 2 to 4 ms with it (4 browsers; 100 to 250 µs of CPU on the calling threads alone),
 * against 0.45 to 0.8 ms here, so its thread hand-offs rather than the servers set the pace. Here the calling
 * thread writes the request and reads the answer itself. Reads
 * {@code Content-Length} and chunked bodies; reconnects after {@code Connection: close}. Not thread-safe: one per
 * browser thread.
 */
final class Http1Client implements AutoCloseable {
  /** One answer: status, headers in order, body. */
  record Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    Optional<String> header(String name) {
      return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }
  }

  private final InetSocketAddress server;
  private final String host;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  Http1Client(InetSocketAddress server) {
    this.server = server;
    this.host = server.getHostString() + ":" + server.getPort();
  }

  /** Sends a request ({@code body} {@code null} for none) and reads the whole answer. */
  Response send(String method, String path, List<String> headers, byte[] body) throws IOException {
    if (socket == null) {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(server, 5_000);
      socket.setSoTimeout(30_000);
      in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      out = new BufferedOutputStream(socket.getOutputStream(), 8 * 1024);
    }
    var head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
        .append(host).append("\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.write(body);
    }
    out.flush();
    return read();
  }

  private Response read() throws IOException {
    String status = line();
    if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
      throw new IOException("not an HTTP/1.1 status line: " + status);
    }
    var headers = new ArrayList<Map.Entry<String, String>>();
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String line = line(); !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      String name = line.substring(0, colon);
      String value = line.substring(colon + 1).strip();
      headers.add(Map.entry(name, value));
      switch (name.toLowerCase(Locale.ROOT)) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
        case "connection" -> close = value.equalsIgnoreCase("close");
        default -> { }
      }
    }
    byte[] body = chunked ? chunks() : in.readNBytes((int) Math.max(0, length));
    if (close) {
      close();
    }
    return new Response(Integer.parseInt(status.substring(9, 12)), headers, body);
  }

  private byte[] chunks() throws IOException {
    var body = new ByteArrayOutputStream();
    for (int size = Integer.parseInt(line().split(";")[0].strip(), 16); size > 0;
        size = Integer.parseInt(line().split(";")[0].strip(), 16)) {
      body.write(in.readNBytes(size));
      line();
    }
    while (!line().isEmpty()) {
      // trailers
    }
    return body.toByteArray();
  }

  private String line() throws IOException {
    var line = new StringBuilder(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed mid-answer");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
      socket = null;
    }
  }
}
