package dev.agentbroker.sandbox.internal.settings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code host:port} or {@code [v6]:port}, as AGENT_EGRESS_PROXY takes it. */
public record HostPort(String host, int port) {
  private static final Pattern FORM =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):([0-9]{1,5})");

  public static HostPort parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + RepoRef.printable(String.valueOf(text))
              + "' is not HOST:PORT (e.g. 127.0.0.1:3128)");
    }
    int port = Integer.parseInt(m.group(2));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 1-65535");
    }
    String host = m.group(1);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    return new HostPort(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
