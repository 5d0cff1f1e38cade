package dev.handoff.web;

import java.util.Map;
import java.util.Optional;

/** The immutable request that {@link HostedRequest.Builder} builds; {@code headers} is case-insensitive. */
record BuiltRequest(String method, String path, Map<String, String> query, Map<String, String> form,
    Map<String, String> headers, Map<String, String> cookies, String address) implements HostedRequest {

  @Override
  public Optional<String> queryParameter(String name) {
    return Optional.ofNullable(query.get(name));
  }

  @Override
  public Optional<String> formParameter(String name) {
    return Optional.ofNullable(form.get(name));
  }

  @Override
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  @Override
  public Optional<String> cookie(String name) {
    return Optional.ofNullable(cookies.get(name));
  }

  @Override
  public Optional<String> clientAddress() {
    return Optional.ofNullable(address);
  }

  /** Leaves out cookies and parameters, which carry tokens and secrets. */
  @Override
  public String toString() {
    return "HostedRequest[" + method + " " + path + "]";
  }
}
