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
  private static final Pattern RAW_HOST =
      Pattern.compile("[\\p{L}\\p{M}\\p{N}._\\-\\u3002\\uFF0E\\uFF61]+");

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
              return new Target(n, Optional.empty(), numeric(last), port.get(), path);
            });
  }

  private static Optional<Integer> port(String text, int defaultPort) {
    if (text == null) {
      return defaultPort > 0 ? Optional.of(defaultPort) : Optional.empty();
    }
    if (text.isEmpty() || text.length() > 5) {
      return Optional.empty();
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return Optional.empty();
      }
    }
    int p = Integer.parseInt(text);
    return p >= 1 && p <= 65535 ? Optional.of(p) : Optional.empty();
  }

  /**
   * IDNA (to ASCII, STD3 rules), lower case, one trailing dot removed, every label checked. Returns
   * empty for anything that is not a plausible DNS name.
   */
  public static Optional<String> normaliseName(String raw) {
    if (raw.isEmpty() || raw.length() > 1000) {
      return Optional.empty();
    }
    String ascii;
    if (ldh(raw)) {
      // Fast path: for letters, digits, '-' and '.' only, IDN.toASCII (STD3) returns its input
      // unchanged or throws, and every reason it throws (hyphen at a label edge, label length) is
      // also rejected by the label check below, so skipping it gives the same answer.
      ascii = raw;
    } else {
      if (!RAW_HOST.matcher(raw).matches()) {
        return Optional.empty();
      }
      try {
        ascii = IDN.toASCII(raw, IDN.USE_STD3_ASCII_RULES);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    ascii = ascii.toLowerCase(Locale.ROOT);
    if (ascii.endsWith(".")) {
      ascii = ascii.substring(0, ascii.length() - 1);
    }
    if (ascii.isEmpty() || ascii.length() > 253) {
      return Optional.empty();
    }
    int from = 0;
    while (true) {
      int dot = ascii.indexOf('.', from);
      int end = dot < 0 ? ascii.length() : dot;
      if (!label(ascii, from, end)) {
        return Optional.empty();
      }
      if (dot < 0) {
        return Optional.of(ascii);
      }
      from = dot + 1;
    }
  }

  private static boolean ldh(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.')) {
        return false;
      }
    }
    return true;
  }

  /**
   * One lower-case DNS label: 1 to 63 characters of {@code [a-z0-9_-]}, starting and ending with a
   * letter or digit.
   */
  private static boolean label(String s, int from, int to) {
    int n = to - from;
    if (n < 1 || n > 63) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (!alnum && (i == from || i == to - 1 || (c != '-' && c != '_'))) {
        return false;
      }
    }
    return true;
  }

  /** Legacy numeric label a system resolver may read as part of an address: decimal or 0x hex. */
  static boolean numeric(String label) {
    if (label.isEmpty()) {
      return false;
    }
    if (label.startsWith("0x")) {
      for (int i = 2; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
          return false;
        }
      }
      return true;
    }
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** {@code host:port} as it appears in logs, with IPv6 in brackets. */
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
