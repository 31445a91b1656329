package dev.agentbroker.audit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces credential-shaped substrings with a non-reversible marker before text reaches an audit
 * event or a log line. Callers control many recorded fields (repository names, request ids, JWT
 * subjects and claims); a caller pasting a token into one of them must not turn the journal, HEC or
 * the logs into a copy of that token. The marker keeps a SHA-256 prefix so an investigator can
 * still correlate with {@link TokenHashes#sha256Hex}.
 */
public final class SecretScrubber {
  private static final Pattern SECRET =
      Pattern.compile(
          // GitHub tokens. The 2026 stateless installation token is ghs_<appId>_<JWT>, ~520
          // chars with two dots and base64url (so '-' too): the whole run must go, not only the
          // part before the first dot (GitHub's own ghs_[A-Za-z0-9._]{36,} would stop at a '-').
          // A trailing '.' is the sentence's, not the token's (a JWT never ends with one).
          "gh[pousr]_[A-Za-z0-9_][A-Za-z0-9_.-]{14,}[A-Za-z0-9_-]"
              + "|github_pat_[A-Za-z0-9_]{20,}"
              + "|eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*" // JWS/JWT
              + "|hv[sbr]\\.[A-Za-z0-9_-]{20,}" // OpenBao / Vault tokens
              + "|-----BEGIN [A-Z ]*PRIVATE KEY-----");

  private SecretScrubber() {}

  /** The text with every credential-shaped part replaced; null stays null. */
  public static String scrub(String text) {
    if (text == null || text.length() < 16) {
      return text;
    }
    Matcher m = SECRET.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    int last = 0;
    do {
      sb.append(text, last, m.start());
      sb.append("[redacted sha256:").append(TokenHashes.sha256Hex(m.group()), 0, 16).append(']');
      last = m.end();
    } while (m.find());
    return sb.append(text, last, text.length()).toString();
  }

  /** Whether {@code text} holds anything {@link #scrub} would replace. */
  public static boolean containsSecret(String text) {
    return text != null && SECRET.matcher(text).find();
  }
}
