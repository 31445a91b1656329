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
   * Class of RFC 1918, carrier-grade NAT and ULA addresses: the only one internal hosts may use.
   */
  public static final String PRIVATE = "private";

  /**
   * Why an address is not an ordinary public unicast address, or empty when it is: {@code
   * loopback}, {@code private}, {@code link_local}, {@code metadata}, {@code site_local}, {@code
   * multicast}, {@code unspecified}, {@code local_nat64} or {@code reserved}.
   *
   * <p>IPv6 forms that carry an IPv4 address to a translator or tunnel (mapped {@code
   * ::ffff:0:0/96}, translated {@code ::ffff:0:0:0/96}, compatible {@code ::/96}, NAT64 {@code
   * 64:ff9b::/96}, 6to4 {@code 2002::/16}) are judged by the embedded address, so {@code
   * ::ffff:169.254.169.254} is as forbidden as the plain form. Where the embedded address cannot be
   * found ({@code 64:ff9b:1::/48}, whose prefix length is the local network's choice) or the form
   * is a tunnel nobody serves an API from (Teredo {@code 2001::/32}), the address is never public.
   * Only global unicast {@code 2000::/3} can be public at all: everything outside the assigned
   * blocks is {@code reserved}.
   */
  public static Optional<String> special(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return special4(b, 0);
    }
    int b0 = b[0] & 0xff;
    int b1 = b[1] & 0xff;
    if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      if (isZero(b, 4, 12)) {
        return special4(b, 12); // 64:ff9b::/96 well-known NAT64
      }
      if (b[4] == 0 && b[5] == 1) {
        return Optional.of("local_nat64"); // 64:ff9b:1::/48 (RFC 8215): embedding unknown
      }
      return Optional.of("reserved");
    }
    if (b0 == 0x00) {
      return special0(b);
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
    if (b0 == 0xfd && b1 == 0x00 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2) {
      return Optional.of("metadata"); // fd00:ec2::/32: the EC2 metadata service, DNS and NTP
    }
    if ((b0 & 0xfe) == 0xfc) {
      return Optional.of(PRIVATE); // fc00::/7 ULA
    }
    if ((b0 & 0xe0) != 0x20) {
      return Optional.of("reserved"); // outside global unicast 2000::/3
    }
    return specialGlobal(b);
  }

  /** {@code ::/8}: unspecified, loopback and the IPv4-carrying forms; the rest is unassigned. */
  private static Optional<String> special0(byte[] b) {
    if (isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return special4(b, 12); // ::ffff:a.b.c.d mapped
    }
    if (isZero(b, 0, 8)
        && (b[8] & 0xff) == 0xff
        && (b[9] & 0xff) == 0xff
        && b[10] == 0
        && b[11] == 0) {
      return special4(b, 12); // ::ffff:0:a.b.c.d translated (SIIT)
    }
    if (isZero(b, 0, 16)) {
      return Optional.of("unspecified");
    }
    if (isZero(b, 0, 15) && b[15] == 1) {
      return Optional.of("loopback");
    }
    if (isZero(b, 0, 12)) {
      return special4(b, 12).or(() -> Optional.of("reserved")); // ::a.b.c.d compatible
    }
    return Optional.of("reserved");
  }

  /** Inside {@code 2000::/3}: tunnels and blocks that are never a real destination. */
  private static Optional<String> specialGlobal(byte[] b) {
    int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    if (w0 == 0x2002) {
      return special4(b, 2); // 6to4
    }
    if (w0 == 0x2001 && w1 == 0x0000) {
      // Teredo: the client's IPv4 address is stored inverted. Never public either way.
      byte[] client = new byte[4];
      for (int i = 0; i < 4; i++) {
        client[i] = (byte) ~b[12 + i];
      }
      return special4(client, 0).filter(c -> !c.equals(PRIVATE)).or(() -> Optional.of("reserved"));
    }
    if ((w0 == 0x2001 && w1 == 0x0db8) // 2001:db8::/32 documentation
        || (w0 == 0x3fff && (w1 & 0xf000) == 0) // 3fff::/20 documentation
        || (w0 == 0x2001 && w1 == 0x0002 && b[4] == 0 && b[5] == 0) // 2001:2::/48 benchmarking
        || (w0 == 0x2001 && (w1 & 0xfff0) == 0x0020) // 2001:20::/28 ORCHIDv2
        || (w0 == 0x2001 && (w1 & 0xfff0) == 0x0010)) { // 2001:10::/28 ORCHID (deprecated)
      return Optional.of("reserved");
    }
    return Optional.empty();
  }

  private static Optional<String> special4(byte[] b, int at) {
    int a0 = b[at] & 0xff;
    int a1 = b[at + 1] & 0xff;
    int a2 = b[at + 2] & 0xff;
    int a3 = b[at + 3] & 0xff;
    if (a0 == 0) {
      return Optional.of("unspecified");
    }
    if (a0 == 127) {
      return Optional.of("loopback");
    }
    if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
      return Optional.of(PRIVATE);
    }
    if (a0 == 169 && a1 == 254) {
      return Optional.of("link_local"); // includes 169.254.169.254, the cloud metadata service
    }
    if (a0 == 100 && a1 == 100 && a2 == 100 && a3 == 200) {
      return Optional.of("metadata"); // Alibaba Cloud's metadata service, inside CGNAT
    }
    if (a0 == 100 && (a1 & 0xc0) == 64) {
      return Optional.of(PRIVATE); // 100.64.0.0/10 carrier-grade NAT
    }
    if (a0 >= 224 && a0 <= 239) {
      return Optional.of("multicast");
    }
    if (a0 >= 240) {
      return Optional.of("reserved"); // 240/4 and the broadcast address
    }
    if ((a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)) // protocol assignments, TEST-NET-1
        || (a0 == 198 && (a1 & 0xfe) == 18) // 198.18/15 benchmarking
        || (a0 == 198 && a1 == 51 && a2 == 100) // TEST-NET-2
        || (a0 == 203 && a1 == 0 && a2 == 113)) { // TEST-NET-3
      return Optional.of("reserved");
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
