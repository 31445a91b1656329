package dev.agentbroker.sandbox.internal.credential;

import dev.agentbroker.sandbox.internal.settings.RepoRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request of git's credential-helper protocol (gitcredentials(7), git-credential(1)): lines of
 * {@code key=value} ending at a blank line or end of input. Parsing is strict where a mistake could
 * hand a token to the wrong place: a line without {@code =}, a NUL, a key given twice or input over
 * 64 KiB is refused; unknown keys are kept and ignored, as git itself does.
 */
public final class GitCredentialRequest {
  static final int MAX_BYTES = 64 * 1024;
  private final Map<String, String> fields;

  private GitCredentialRequest(Map<String, String> fields) {
    this.fields = fields;
  }

  /** Reads one request (up to the blank line or end of input). */
  public static GitCredentialRequest read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        if (line.size() == 0) {
          break; // the blank line that ends a request
        }
        line.writeTo(all);
        all.write('\n');
        line.reset();
      } else {
        line.write(b);
      }
      if (all.size() + line.size() > MAX_BYTES) {
        throw new IllegalArgumentException("credential request larger than 64 KiB");
      }
    }
    line.writeTo(all);
    return parse(all.toString(StandardCharsets.UTF_8));
  }

  /** Parses the text of one request. */
  public static GitCredentialRequest parse(String text) {
    if (text.length() > MAX_BYTES) {
      throw new IllegalArgumentException("credential request larger than 64 KiB");
    }
    if (text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("credential request contains a NUL byte");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("credential line without key=value");
      }
      String key = line.substring(0, eq);
      // Array keys (capability[], wwwauth[], state[]) may repeat; git appends them.
      if (!key.endsWith("[]") && fields.containsKey(key)) {
        throw new IllegalArgumentException("credential key '" + key + "' given twice");
      }
      fields.merge(key, line.substring(eq + 1), (a, b) -> a + "\n" + b);
    }
    if (fields.containsKey("url")) {
      fields.putAll(fromUrl(fields.get("url"), fields));
    }
    return new GitCredentialRequest(fields);
  }

  private static Map<String, String> fromUrl(String url, Map<String, String> existing) {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      URI u = URI.create(url);
      if (u.getScheme() != null && !existing.containsKey("protocol")) {
        out.put("protocol", u.getScheme());
      }
      if (u.getHost() != null && !existing.containsKey("host")) {
        out.put("host", u.getPort() > 0 ? u.getHost() + ":" + u.getPort() : u.getHost());
      }
      if (u.getRawPath() != null && u.getRawPath().length() > 1 && !existing.containsKey("path")) {
        out.put("path", u.getRawPath().substring(1));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("credential url is not a URL");
    }
    return out;
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(fields.get(key));
  }

  /**
   * The repository this request is for, when it is {@code https://<gitHost>/OWNER/NAME(.git)}: the
   * host compares case-insensitively (with its port, if any), the path must be exactly owner and
   * name (git sends it only with {@code credential.useHttpPath}). Anything else is not ours.
   */
  public Optional<RepoRef> repositoryOn(String gitHost) {
    if (!"https".equals(fields.get("protocol"))) {
      return Optional.empty();
    }
    String host = fields.getOrDefault("host", "");
    if (!host.toLowerCase(Locale.ROOT).equals(gitHost.toLowerCase(Locale.ROOT))) {
      return Optional.empty();
    }
    String path = fields.getOrDefault("path", "");
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.endsWith(".git")) {
      path = path.substring(0, path.length() - 4);
    }
    if (RepoRef.problem(path).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(RepoRef.parse(path));
  }

  /**
   * The answer to {@code get}: git reads these lines; {@code password_expiry_utc} needs git 2.41.
   */
  public static String answer(String token, long expiryEpochSeconds) {
    if (token.indexOf('\n') >= 0 || token.indexOf('\0') >= 0) {
      // A value with a newline would inject protocol lines; the broker never returns one.
      throw new IllegalArgumentException("token is not a single line");
    }
    return "username=x-access-token\npassword="
        + token
        + "\npassword_expiry_utc="
        + expiryEpochSeconds
        + "\n";
  }
}
