package dev.handoff.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of {@link HostedFlow#handle}: a status, headers in order (including every {@code Set-Cookie} and the
 * {@code Content-Type}) and a body. A server adapter writes exactly these: the status, each header with
 * {@code addHeader} semantics (a name may repeat), and the body bytes.
 *
 * <p>Header safety is enforced here, where headers are made: a header name must be an RFC 9110 token and a value
 * only printable ASCII ({@code 0x20}–{@code 0x7E}), so no value can carry CR, LF or any other control character,
 * whatever the input it was built from; {@link Builder#header} refuses anything else with
 * {@link IllegalArgumentException}. URIs are written in their ASCII form. Immutable and thread-safe.
 */
public final class HostedResponse {
  private final int status;
  private final List<Header> headers;
  private final byte[] body;

  /**
   * One response header.
   *
   * @param name an RFC 9110 token, e.g. {@code Set-Cookie}
   * @param value printable ASCII only
   */
  public record Header(String name, String value) {
    public Header {
      checkName(name);
      checkValue(name, value);
    }
  }

  private HostedResponse(Builder b) {
    this.status = b.status;
    this.headers = List.copyOf(b.headers);
    this.body = b.body;
  }

  /** Starts a response with this status (100 to 599). */
  public static Builder status(int status) {
    return new Builder(status);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** Every header, in the order to write them; names may repeat (e.g. {@code Set-Cookie}). */
  public List<Header> headers() {
    return headers;
  }

  /** The values of the headers called {@code name} (case-insensitive), in order. */
  public List<String> headers(String name) {
    return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).toList();
  }

  /** The value of the first header called {@code name} (case-insensitive). */
  public Optional<String> header(String name) {
    return headers(name).stream().findFirst();
  }

  /** The {@code Content-Type} header, absent when there is no body. */
  public Optional<String> contentType() {
    return header("Content-Type");
  }

  /** The value of every {@code Set-Cookie} header, in order. */
  public List<String> setCookies() {
    return headers("Set-Cookie");
  }

  /** A copy of the body; empty for redirects and for {@code HEAD}. */
  public byte[] body() {
    return body.clone();
  }

  /**
   * Writes the body to {@code out} without copying it, as {@link java.io.ByteArrayOutputStream#writeTo} does: the
   * stream must neither keep nor change the array it is given (a server's response stream does neither).
   */
  public void writeBodyTo(OutputStream out) throws IOException {
    out.write(body);
  }

  /** The body's length in bytes, for {@code Content-Length}. */
  public int bodyLength() {
    return body.length;
  }

  /** The body decoded as UTF-8 (every body the flow writes is UTF-8). */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The status and header names; values and body are left out, as they may carry secrets. */
  @Override
  public String toString() {
    return "HostedResponse[" + status + ", headers=" + headers.stream().map(Header::name).toList() + ", body="
        + body.length + " bytes]";
  }

  static void checkName(String name) {
    Objects.requireNonNull(name, "header name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty header name");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!token) {
        throw new IllegalArgumentException("header name is not an RFC 9110 token: character " + (int) c);
      }
    }
  }

  static void checkValue(String name, String value) {
    Objects.requireNonNull(value, "header value");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        // The value itself is not echoed: it may hold a secret.
        throw new IllegalArgumentException("header " + name + " refused: character U+"
            + String.format("%04X", (int) c) + " at " + i + " is not printable ASCII");
      }
    }
  }

  /**
   * Builds a {@link HostedResponse}; every header is checked as it is added. Not thread-safe.
   */
  public static final class Builder {
    private final int status;
    /** Room for the flow's security headers, its content type, a cookie or two and a location. */
    private final List<Header> headers = new ArrayList<>(12);
    private byte[] body = new byte[0];

    private Builder(int status) {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("status must be 100 to 599, got " + status);
      }
      this.status = status;
    }

    /**
     * Adds a header.
     *
     * @throws IllegalArgumentException if the name is not a token or the value holds anything but printable
     *     ASCII (so CR, LF, other control characters and non-ASCII are never written)
     */
    public Builder header(String name, String value) {
      headers.add(new Header(name, value));
      return this;
    }

    /** Adds a header made (and so checked) before, e.g. a constant one. */
    public Builder header(Header header) {
      headers.add(Objects.requireNonNull(header, "header"));
      return this;
    }

    /** Sets the body without copying it: the caller hands over {@code body} and never touches it again. */
    Builder ownedBody(byte[] body, Header contentType) {
      this.body = Objects.requireNonNull(body, "body");
      return header(contentType);
    }

    /** Sets the body and its {@code Content-Type}, e.g. {@code text/html; charset=utf-8}. */
    public Builder body(byte[] body, String contentType) {
      this.body = Objects.requireNonNull(body, "body").clone();
      return header("Content-Type", contentType);
    }

    /** Sets a UTF-8 body and its {@code Content-Type}. */
    public Builder body(String body, String contentType) {
      return body(body.getBytes(StandardCharsets.UTF_8), contentType);
    }

    /** The response. */
    public HostedResponse build() {
      return new HostedResponse(this);
    }
  }
}
