package dev.agentbroker.egress.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks {@code Proxy-Authorization: Basic} against the configured SHA-256 of each user's secret.
 * Credentials that are present are always checked: a request with wrong credentials is refused,
 * never treated as anonymous. The secret is hashed and compared in constant time; it is never kept,
 * logged or forwarded (plain-HTTP forwarding drops every {@code Proxy-*} header).
 */
public final class ProxyCredentials {
  private static final String HEADER = "Proxy-Authorization";

  /** Outcome of looking at a request's credentials. */
  public sealed interface Login permits Anonymous, Authenticated, Rejected {}

  /** No {@code Proxy-Authorization} header. */
  public record Anonymous() implements Login {}

  /** Valid credentials of {@code user}. */
  public record Authenticated(String user) implements Login {}

  /** Present but unusable: malformed, another scheme, unknown user or wrong secret. */
  public record Rejected() implements Login {}

  private static final Login ANONYMOUS = new Anonymous();
  private static final Login REJECTED = new Rejected();

  /** Compared against when the user is unknown, so both failures cost about the same. */
  private static final List<byte[]> NO_USER = List.of(new byte[32]);

  private final Map<String, List<byte[]>> hashes;

  /**
   * {@code users}: user name to the lower-case hex SHA-256 of its secret; two while a secret is
   * rotated, and either secret is accepted.
   */
  public ProxyCredentials(Map<String, List<String>> users) {
    Map<String, List<byte[]>> m = new HashMap<>();
    users.forEach((u, hex) -> m.put(u, hex.stream().map(h -> HexFormat.of().parseHex(h)).toList()));
    this.hashes = Map.copyOf(m);
  }

  public Login check(RequestHead head) {
    List<RequestHead.Header> headers = head.headers();
    String value = null;
    for (RequestHead.Header h : headers) {
      if (h.name().equalsIgnoreCase(HEADER)) {
        if (value != null) {
          return REJECTED; // two credentials: ambiguous
        }
        value = h.value();
      }
    }
    if (value == null) {
      return ANONYMOUS;
    }
    int sp = value.indexOf(' ');
    if (sp < 0 || !value.substring(0, sp).toLowerCase(Locale.ROOT).equals("basic")) {
      return REJECTED;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(value.substring(sp + 1).strip());
    } catch (IllegalArgumentException e) {
      return REJECTED;
    }
    int colon = indexOf(decoded, (byte) ':');
    if (colon <= 0) {
      return REJECTED;
    }
    String user = new String(decoded, 0, colon, StandardCharsets.UTF_8);
    byte[] secretHash = sha256(decoded, colon + 1, decoded.length - colon - 1);
    java.util.Arrays.fill(decoded, (byte) 0);
    boolean ok = false;
    for (byte[] expected : hashes.getOrDefault(user, NO_USER)) {
      ok |= MessageDigest.isEqual(secretHash, expected); // no early exit: compare with every hash
    }
    return ok && hashes.containsKey(user) ? new Authenticated(user) : REJECTED;
  }

  private static int indexOf(byte[] b, byte v) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] sha256(byte[] b, int off, int len) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(b, off, len);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
