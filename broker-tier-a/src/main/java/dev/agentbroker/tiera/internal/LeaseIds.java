package dev.agentbroker.tiera.internal;

/**
 * Lease ids are {@code lease_} and 32 lowercase hex digits: 128 random bits, stored as two longs.
 * Parsing is strict (no upper case, no other length) so one lease has exactly one spelling.
 */
public final class LeaseIds {
  public static final String PREFIX = "lease_";
  private static final int LENGTH = PREFIX.length() + 32;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private LeaseIds() {}

  public static String format(long high, long low) {
    char[] out = new char[LENGTH];
    PREFIX.getChars(0, PREFIX.length(), out, 0);
    for (int i = 0; i < 16; i++) {
      out[PREFIX.length() + i] = HEX[(int) (high >>> (60 - 4 * i)) & 0xf];
      out[PREFIX.length() + 16 + i] = HEX[(int) (low >>> (60 - 4 * i)) & 0xf];
    }
    return new String(out);
  }

  /** True if {@code id} is a well-formed lease id (then {@link #high} and {@link #low} apply). */
  public static boolean valid(String id) {
    if (id == null || id.length() != LENGTH || !id.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < LENGTH; i++) {
      if (digit(id.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  public static long high(String id) {
    return parse(id, PREFIX.length());
  }

  public static long low(String id) {
    return parse(id, PREFIX.length() + 16);
  }

  private static long parse(String id, int from) {
    long v = 0;
    for (int i = from; i < from + 16; i++) {
      v = (v << 4) | digit(id.charAt(i));
    }
    return v;
  }

  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  }
}
