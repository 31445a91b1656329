package dev.agentbroker.egress.internal;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A syntactically valid HTTP/1.x request head. Header names keep their spelling. */
public record RequestHead(String method, String target, int minorVersion, List<Header> headers) {
  public RequestHead {
    headers = List.copyOf(headers);
  }

  /** One header field; the value has surrounding whitespace removed. */
  public record Header(String name, String value) {
    public String lowerName() {
      return name.toLowerCase(Locale.ROOT);
    }
  }

  public Optional<String> first(String name) {
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return Optional.of(h.value());
      }
    }
    return Optional.empty();
  }

  public long count(String name) {
    return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).count();
  }
}
