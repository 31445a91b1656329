package dev.agentbroker.egress.internal;

import dev.agentbroker.policy.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP literal parsing (never DNS) and the classification of addresses an agent must not reach
 * without an explicit allowance.
 */
public final class Addresses {
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private Addresses() {}

  /**
   * Parses a canonical dotted-quad IPv4 or an IPv6 literal (without brackets or zone). Legacy forms
   * such as {@code 127.1}, {@code 0x7f.0.0.1} or {@code 2130706433} are not literals here; the
   * caller treats them as suspicious names.
   */
  public static Optional<InetAddress> parseLiteral(String text) {
    try {
      byte[] v4 = dottedQuad(text);
      if (v4 != null) {
        return Optional.of(InetAddress.getByAddress(v4));
      }
      if (text.indexOf(':') >= 0 && IPV6.matcher(text).matches()) {
        // Contains ':' and only hex/colon/dot characters, so the JDK parses it as a literal and
        // never consults DNS.
        return Optional.of(InetAddress.getByName(text));
      }
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * The four octets of a canonical dotted quad (0-255, no leading zeros), else null. Hand-rolled
   * because it runs for every accepted connection; same language as the regex it replaced.
   */
  static byte[] dottedQuad(String text) {
    int n = text.length();
    if (n < 7 || n > 15) {
      return null;
    }
    byte[] b = new byte[4];
    int part = 0;
    int i = 0;
    while (true) {
      int start = i;
      int v = 0;
      while (i < n && i - start < 3 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        v = v * 10 + (text.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || v > 255 || (digits > 1 && text.charAt(start) == '0')) {
        return null;
      }
      b[part++] = (byte) v;
      if (part == 4) {
        return i == n ? b : null;
      }
      if (i >= n || text.charAt(i) != '.') {
        return null;
      }
      i++;
    }
  }

  /** Parses {@code address/prefix} with no host bits set. */
  public static Cidr parseCidr(String text) {
    int slash = text.indexOf('/');
    Optional<InetAddress> addr =
        slash > 0 ? parseLiteral(text.substring(0, slash)) : parseLiteral(text);
    if (addr.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR");
    }
    byte[] bytes = addr.get().getAddress();
    int prefix;
    try {
      prefix = slash > 0 ? Integer.parseInt(text.substring(slash + 1)) : bytes.length * 8;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has an invalid prefix length", e);
    }
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
    }
    byte[] net = bytes.clone();
    for (int bit = prefix; bit < net.length * 8; bit++) {
      net[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    if (!Arrays.equals(net, bytes)) {
      throw new IllegalArgumentException("'" + text + "' has host bits set");
    }
    return new Cidr(addr.get(), prefix);
  }

  /**
   * Why an address is not an ordinary public unicast address, or empty when it is. IPv6 forms that
   * embed an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by the embedded address, so
   * {@code ::ffff:169.254.169.254} is as forbidden as the plain form.
   */
  public static Optional<String> special(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return special4(b);
    }
    if (isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return special4(Arrays.copyOfRange(b, 12, 16)); // ::ffff:a.b.c.d
    }
    if (isZero(b, 0, 16)) {
      return Optional.of("unspecified");
    }
    if (isZero(b, 0, 15) && b[15] == 1) {
      return Optional.of("loopback");
    }
    if (isZero(b, 0, 12)) {
      return special4(Arrays.copyOfRange(b, 12, 16)).or(() -> Optional.of("reserved"));
    }
    int b0 = b[0] & 0xff;
    int b1 = b[1] & 0xff;
    if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      return special4(Arrays.copyOfRange(b, 12, 16)); // 64:ff9b::/96 NAT64
    }
    if (b0 == 0x20 && b1 == 0x02) {
      return special4(Arrays.copyOfRange(b, 2, 6)); // 2002::/16 6to4
    }
    if (b0 == 0xff) {
      return Optional.of("multicast");
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
      return Optional.of("link_local");
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
      return Optional.of("site_local");
    }
    if ((b0 & 0xfe) == 0xfc) {
      return Optional.of("private"); // fc00::/7 ULA (includes fd00:ec2::254 metadata)
    }
    if (b0 == 0x20 && b1 == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
      return Optional.of("reserved"); // 2001:db8::/32 documentation
    }
    return Optional.empty();
  }

  private static Optional<String> special4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    if (a0 == 0) {
      return Optional.of("unspecified");
    }
    if (a0 == 127) {
      return Optional.of("loopback");
    }
    if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
      return Optional.of("private");
    }
    if (a0 == 169 && a1 == 254) {
      return Optional.of("link_local"); // includes 169.254.169.254, the cloud metadata service
    }
    if (a0 == 100 && (a1 & 0xc0) == 64) {
      return Optional.of("private"); // 100.64.0.0/10 carrier-grade NAT
    }
    if (a0 >= 224 && a0 <= 239) {
      return Optional.of("multicast");
    }
    if (a0 >= 240) {
      return Optional.of("reserved"); // 240/4 and the broadcast address
    }
    if ((a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0) || (a0 == 198 && (a1 & 0xfe) == 18)) {
      return Optional.of("reserved"); // 192.0.0.0/24 protocol assignments, 198.18/15 benchmarks
    }
    return Optional.empty();
  }

  private static boolean isZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Printable address without the JDK's "/" prefix; IPv4-mapped forms print as IPv4. */
  public static String text(InetAddress a) {
    return a instanceof Inet4Address ? a.getHostAddress() : a.getHostAddress().replace("%0", "");
  }
}
