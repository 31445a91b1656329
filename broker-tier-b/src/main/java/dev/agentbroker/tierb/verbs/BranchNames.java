package dev.agentbroker.tierb.verbs;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Git's ref-name rules ({@code git check-ref-format}) for a branch, which GitHub enforces, and the
 * encoding of a branch into a request path. A name is checked before it goes anywhere near a URL:
 * {@code ..} or an empty segment could otherwise walk the request to another resource.
 */
final class BranchNames {
  static final int MAX_LENGTH = 255;

  private BranchNames() {}

  /** Why {@code name} is not a valid branch name, or empty when it is. */
  static Optional<String> problem(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (name.length() > MAX_LENGTH) {
      return Optional.of("longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return Optional.of("must not contain control characters");
      }
      if (" ~^:?*[\\%".indexOf(c) >= 0) {
        return Optional.of("must not contain space or any of ~ ^ : ? * [ \\ %");
      }
      if (c > 0x7e) {
        // Git allows more; the broker keeps to ASCII so names cannot look alike.
        return Optional.of("must be ASCII");
      }
    }
    if (name.contains("..")) {
      return Optional.of("must not contain '..'");
    }
    if (name.contains("@{") || name.equals("@") || name.equals("HEAD")) {
      return Optional.of("must not be '@', 'HEAD' or contain '@{'");
    }
    if (name.startsWith("/") || name.endsWith("/") || name.contains("//")) {
      return Optional.of("must not start or end with '/' or contain '//'");
    }
    if (name.endsWith(".") || name.startsWith("-")) {
      return Optional.of("must not end with '.' or start with '-'");
    }
    for (String part : name.split("/")) {
      if (part.startsWith(".") || part.endsWith(".lock")) {
        return Optional.of("no segment may start with '.' or end with '.lock'");
      }
    }
    return Optional.empty();
  }

  /**
   * The branch as path segments: each segment percent-encoded (everything but RFC 3986 unreserved
   * characters), joined by {@code /} (GitHub's {branch} parameter spans segments). Only for names
   * {@link #problem} accepts.
   */
  static String encode(String name) {
    if (problem(name).isPresent()) {
      throw new IllegalArgumentException("invalid branch name");
    }
    StringBuilder sb = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c == '/'
          || (c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        sb.append(c);
      } else {
        sb.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return sb.toString();
  }
}
