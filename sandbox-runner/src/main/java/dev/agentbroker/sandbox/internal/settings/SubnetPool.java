package dev.agentbroker.sandbox.internal.settings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IPv4 range per-run sandbox links are cut from ({@code AGENT_SANDBOX_SUBNET}, default {@code
 * 10.200.0.0/16}): slot {@code i} is the /30 at {@code base + 4i}, host side {@code .1}, sandbox
 * side {@code .2}. The egress policy's client CIDR for sandboxes should be this range.
 */
public record SubnetPool(int base, int prefix) {
  private static final Pattern FORM =
      Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})/([0-9]{1,2})");

  /** A pool for sandbox links: /8 to /28. */
  public static SubnetPool parse(String text) {
    return parse(text, 8, 28);
  }

  /** Any IPv4 network, /1 to /32 (firewall rendering). */
  public static SubnetPool parseAny(String text) {
    return parse(text, 1, 32);
  }

  /** Whether {@code text} is a strict dotted-quad IPv4 address. */
  public static boolean isDottedQuad(String text) {
    try {
      parse(text + "/32", 32, 32);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static SubnetPool parse(String text, int minPrefix, int maxPrefix) {
    Matcher m = FORM.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + RepoRef.printable(String.valueOf(text)) + "' is not an IPv4 CIDR");
    }
    int addr = 0;
    for (int i = 1; i <= 4; i++) {
      int octet = Integer.parseInt(m.group(i));
      if (octet > 255) {
        throw new IllegalArgumentException("'" + text + "' has an octet above 255");
      }
      addr = (addr << 8) | octet;
    }
    int prefix = Integer.parseInt(m.group(5));
    if (prefix < minPrefix || prefix > maxPrefix) {
      throw new IllegalArgumentException(
          "prefix /" + prefix + " must be between /" + minPrefix + " and /" + maxPrefix);
    }
    int mask = prefix == 32 ? -1 : -1 << (32 - prefix);
    if ((addr & ~mask) != 0) {
      throw new IllegalArgumentException("'" + text + "' has host bits set");
    }
    return new SubnetPool(addr, prefix);
  }

  /** How many /30 links fit. */
  public int slots() {
    return prefix > 30 ? 0 : 1 << (32 - prefix - 2);
  }

  /** The host-side address of slot {@code i}. */
  public String hostAddress(int slot) {
    return dotted(base + 4 * slot + 1);
  }

  /** The sandbox-side address of slot {@code i}. */
  public String sandboxAddress(int slot) {
    return dotted(base + 4 * slot + 2);
  }

  private static String dotted(int a) {
    return ((a >>> 24) & 255)
        + "."
        + ((a >>> 16) & 255)
        + "."
        + ((a >>> 8) & 255)
        + "."
        + (a & 255);
  }

  @Override
  public String toString() {
    return dotted(base) + "/" + prefix;
  }
}
