package dev.agentbroker.policy.internal;

import dev.agentbroker.policy.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Strict parsing of CIDRs and egress host patterns. Never resolves names: {@link
 * InetAddress#getByName} is only called on strings already known to be IPv6 literals.
 */
public final class NetParsing {
  private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(?:\\." + OCTET + "){3}");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

  private NetParsing() {}

  /** Parses {@code address/prefix}; throws IllegalArgumentException with a readable reason. */
  public static Cidr parseCidr(String text) {
    int slash = text.indexOf('/');
    if (slash < 0 || slash != text.lastIndexOf('/')) {
      throw new IllegalArgumentException("'" + text + "' is not a CIDR (expected address/prefix)");
    }
    String addr = text.substring(0, slash);
    String prefixText = text.substring(slash + 1);
    if (!PREFIX.matcher(prefixText).matches()) {
      throw new IllegalArgumentException("invalid prefix length '" + prefixText + "'");
    }
    int prefix = Integer.parseInt(prefixText);
    byte[] bytes = parseAddress(addr);
    if (prefix > bytes.length * 8) {
      throw new IllegalArgumentException(
          "prefix length " + prefix + " exceeds " + (bytes.length * 8) + " bits");
    }
    byte[] network = bytes.clone();
    for (int bit = prefix; bit < network.length * 8; bit++) {
      network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    try {
      InetAddress net = InetAddress.getByAddress(network);
      if (!java.util.Arrays.equals(network, bytes)) {
        // Host bits usually mean a typo in the prefix; refuse rather than guess.
        throw new IllegalArgumentException(
            "host bits set in '"
                + text
                + "' (did you mean "
                + net.getHostAddress()
                + "/"
                + prefix
                + "?)");
      }
      return new Cidr(net, prefix);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("invalid address '" + addr + "'", e);
    }
  }

  private static byte[] parseAddress(String addr) {
    if (IPV4.matcher(addr).matches()) {
      String[] parts = addr.split("\\.");
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        b[i] = (byte) Integer.parseInt(parts[i]);
      }
      return b;
    }
    if (addr.contains(":") && IPV6_CHARS.matcher(addr).matches()) {
      try {
        InetAddress a = InetAddress.getByName(addr); // literal only: contains ':' => no DNS
        if (a instanceof Inet4Address) {
          throw new IllegalArgumentException(
              "IPv4-mapped address '" + addr + "': write the IPv4 CIDR instead");
        }
        return a.getAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("invalid IPv6 address '" + addr + "'", e);
      }
    }
    throw new IllegalArgumentException("invalid IP address '" + addr + "'");
  }

  /** Problem with an egress host pattern, or empty when valid. */
  public static Optional<String> hostPatternProblem(String pattern) {
    if (!pattern.equals(pattern.toLowerCase(Locale.ROOT))) {
      return Optional.of("host pattern '" + pattern + "' must be lowercase");
    }
    boolean wildcard = pattern.startsWith("*.");
    String name = wildcard ? pattern.substring(2) : pattern;
    String[] labels = name.split("\\.", -1);
    if (name.length() > 253 || name.isEmpty()) {
      return Optional.of("'" + pattern + "' is not a valid DNS name");
    }
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        return Optional.of(
            "'"
                + pattern
                + "' is not a valid host pattern (exact DNS name or *.suffix; bad label '"
                + label
                + "')");
      }
    }
    if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      return Optional.of("'" + pattern + "' looks like an IP address; use DNS names");
    }
    if (wildcard && labels.length < 2) {
      // "*.com" would open a whole top-level domain.
      return Optional.of("wildcard '" + pattern + "' needs a suffix of at least two labels");
    }
    return Optional.empty();
  }
}
