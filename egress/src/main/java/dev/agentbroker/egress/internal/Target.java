package dev.agentbroker.egress.internal;

import java.net.IDN;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a request wants to go: a normalised ASCII host name or an IP literal, and a port. {@code
 * path} is the origin-form path for absolute-form HTTP requests and empty for CONNECT.
 *
 * @param host lower-case ASCII name without trailing dot, or the literal's text
 * @param literal the address when the target is an IP literal
 * @param ipLike true when the name is a legacy numeric form (e.g. {@code 127.1}) that a system
 *     resolver would read as an address
 */
public record Target(
    String host, Optional<InetAddress> literal, boolean ipLike, int port, String path) {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?");
  private static final Pattern RAW_HOST =
      Pattern.compile("[\\p{L}\\p{M}\\p{N}._\\-\\u3002\\uFF0E\\uFF61]+");
  private static final Pattern NUMERIC = Pattern.compile("[0-9]+|0x[0-9a-f]*");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  /** Parses CONNECT's authority-form {@code host:port}; the port is mandatory. */
  public static Optional<Target> authority(String text) {
    return parse(text, -1, "");
  }

  /** Parses {@code http://authority/path}; other schemes and userinfo are refused. */
  public static Optional<Target> absoluteHttp(String text) {
    if (text.length() < 8 || !text.substring(0, 7).equalsIgnoreCase("http://")) {
      return Optional.empty();
    }
    String rest = text.substring(7);
    int end = rest.length();
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c == '/' || c == '?') {
        end = i;
        break;
      }
    }
    String path = rest.substring(end);
    if (path.isEmpty()) {
      path = "/";
    } else if (path.charAt(0) == '?') {
      path = "/" + path;
    }
    if (path.indexOf('#') >= 0) {
      return Optional.empty();
    }
    return parse(rest.substring(0, end), 80, path);
  }

  private static Optional<Target> parse(String auth, int defaultPort, String path) {
    String host;
    String portText;
    if (auth.startsWith("[")) {
      int close = auth.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      host = auth.substring(1, close);
      String after = auth.substring(close + 1);
      if (after.isEmpty()) {
        portText = null;
      } else if (after.startsWith(":")) {
        portText = after.substring(1);
      } else {
        return Optional.empty();
      }
      Optional<InetAddress> v6 =
          host.indexOf(':') >= 0 ? Addresses.parseLiteral(host) : Optional.empty();
      if (v6.isEmpty()) {
        return Optional.empty();
      }
      return port(portText, defaultPort)
          .map(p -> new Target(Addresses.text(v6.get()), v6, false, p, path));
    }
    int colon = auth.lastIndexOf(':');
    if (colon >= 0 && auth.indexOf(':') != colon) {
      return Optional.empty(); // an unbracketed IPv6 literal is ambiguous
    }
    host = colon >= 0 ? auth.substring(0, colon) : auth;
    portText = colon >= 0 ? auth.substring(colon + 1) : null;
    Optional<Integer> port = port(portText, defaultPort);
    if (port.isEmpty()) {
      return Optional.empty();
    }
    Optional<InetAddress> v4 = Addresses.parseLiteral(host);
    if (v4.isPresent()) {
      return Optional.of(new Target(Addresses.text(v4.get()), v4, false, port.get(), path));
    }
    return normaliseName(host)
        .map(
            n -> {
              String last = n.substring(n.lastIndexOf('.') + 1);
              return new Target(
                  n, Optional.empty(), NUMERIC.matcher(last).matches(), port.get(), path);
            });
  }

  private static Optional<Integer> port(String text, int defaultPort) {
    if (text == null) {
      return defaultPort > 0 ? Optional.of(defaultPort) : Optional.empty();
    }
    if (!PORT.matcher(text).matches()) {
      return Optional.empty();
    }
    int p = Integer.parseInt(text);
    return p >= 1 && p <= 65535 ? Optional.of(p) : Optional.empty();
  }

  /**
   * IDNA (to ASCII, STD3 rules), lower case, one trailing dot removed, every label checked. Returns
   * empty for anything that is not a plausible DNS name.
   */
  public static Optional<String> normaliseName(String raw) {
    if (raw.isEmpty() || raw.length() > 1000 || !RAW_HOST.matcher(raw).matches()) {
      return Optional.empty();
    }
    String ascii;
    try {
      ascii = IDN.toASCII(raw, IDN.USE_STD3_ASCII_RULES);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    ascii = ascii.toLowerCase(Locale.ROOT);
    if (ascii.endsWith(".")) {
      ascii = ascii.substring(0, ascii.length() - 1);
    }
    if (ascii.isEmpty() || ascii.length() > 253) {
      return Optional.empty();
    }
    for (String label : ascii.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return Optional.empty();
      }
    }
    return Optional.of(ascii);
  }

  /** {@code host:port} as it appears in logs, with IPv6 in brackets. */
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
