package dev.agentbroker.sandbox.internal.run;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.runtime.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The run's read-only helper directory, mounted at {@code /run/agent}: the git credential helper
 * and the {@code agent-token} shim (both ask the run's credential endpoint; neither holds a
 * secret), a passwd/group naming uid 1000, and a CA bundle when {@code AGENT_CA_FILE} adds one.
 * Nothing secret is ever written here; the directory is deleted when the run ends.
 */
public final class HelperFiles implements AutoCloseable {
  public static final String CREDENTIAL_HELPER = "git-credential-agent";
  static final String TOKEN_SHIM = "agent-token";
  public static final String CA_BUNDLE = "ca-bundle.pem";

  /** Debian's system bundle; other distributions' paths are tried in order. */
  static final java.util.List<Path> SYSTEM_BUNDLES =
      java.util.List.of(
          Path.of("/etc/ssl/certs/ca-certificates.crt"),
          Path.of("/etc/pki/tls/certs/ca-bundle.crt"),
          Path.of("/etc/ssl/cert.pem"));

  private static final String HELPER =
      """
      #!/bin/sh
      # git credential helper of an agent sandbox (written by the launcher; holds no secret).
      # It forwards git's request to the run's credential endpoint, which answers only for the
      # run's repository; the launcher, not the sandbox, holds the caller credential.
      case "$1" in get|store|erase) ;; *) exit 0 ;; esac
      if [ -z "$AGENT_CREDENTIAL_URL" ]; then
        # No endpoint (Apple's VM runtime): the run's token is in GH_TOKEN; printf is a builtin,
        # so the token never appears on a command line. git's request is read and ignored.
        cat >/dev/null
        [ "$1" = get ] && [ -n "$GH_TOKEN" ] && printf 'username=x-access-token\\npassword=%s\\n' "$GH_TOKEN"
        exit 0
      fi
      if command -v curl >/dev/null 2>&1; then
        exec curl -sS -f --noproxy '*' --max-time 30 --data-binary @- "$AGENT_CREDENTIAL_URL/git-credential/$1"
      fi
      exec wget -q -O - -Y off -T 30 --post-file=/dev/stdin "$AGENT_CREDENTIAL_URL/git-credential/$1"
      """;
  private static final String TOKEN =
      """
      #!/bin/sh
      # Prints the run's GitHub token (for tools that want one: GH_TOKEN=$(agent-token) gh pr list).
      [ -n "$AGENT_CREDENTIAL_URL" ] || { echo "agent-token: this sandbox has no credential endpoint" >&2; exit 1; }
      if command -v curl >/dev/null 2>&1; then
        exec curl -sS -f --noproxy '*' --max-time 30 "$AGENT_CREDENTIAL_URL/token"
      fi
      exec wget -q -O - -Y off -T 30 "$AGENT_CREDENTIAL_URL/token"
      """;

  private final Path dir;
  private final boolean caBundle;

  private HelperFiles(Path dir, boolean caBundle) {
    this.dir = dir;
    this.caBundle = caBundle;
  }

  public static HelperFiles write(String runId, Optional<Path> extraCa) {
    return write(runId, extraCa, Optional.empty());
  }

  /**
   * {@code injectCa}: the egress proxy's CA certificate ({@code agent run --inject}). Such a run
   * has no credential endpoint, so the helper and the {@code agent-token} shim are not written; the
   * CA is appended to the copy of the system bundle (the sandbox still verifies every other host).
   */
  public static HelperFiles write(String runId, Optional<Path> extraCa, Optional<String> injectCa) {
    try {
      Path dir =
          Files.createTempDirectory(
              "agent-run-" + runId + "-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      if (injectCa.isEmpty()) {
        executable(dir.resolve(CREDENTIAL_HELPER), HELPER);
        executable(dir.resolve(TOKEN_SHIM), TOKEN);
      }
      readable(
          dir.resolve("passwd"),
          "root:x:0:0:root:/root:/bin/sh\nagent:x:"
              + SandboxSpec.UID
              + ":"
              + SandboxSpec.UID
              + ":agent:"
              + SandboxSpec.HOME
              + ":/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
      readable(
          dir.resolve("group"), "root:x:0:\nagent:x:" + SandboxSpec.UID + ":\nnogroup:x:65534:\n");
      boolean bundled = extraCa.isPresent() || injectCa.isPresent();
      if (bundled) {
        StringBuilder bundle = new StringBuilder();
        for (Path p : SYSTEM_BUNDLES) {
          if (Files.isReadable(p)) {
            bundle.append(Files.readString(p)).append('\n');
            break;
          }
        }
        if (extraCa.isPresent()) {
          bundle.append(Files.readString(extraCa.get())).append('\n');
        }
        injectCa.ifPresent(pem -> bundle.append(pem).append('\n'));
        readable(dir.resolve(CA_BUNDLE), bundle.toString());
      }
      return new HelperFiles(dir, bundled);
    } catch (IOException e) {
      throw new AgentException(
          ExitCode.SANDBOX_FAILED, "cannot write the run's helper files: " + e.getMessage());
    }
  }

  private static void executable(Path p, String text) throws IOException {
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static void readable(Path p, String text) throws IOException {
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
  }

  public Path dir() {
    return dir;
  }

  boolean hasCaBundle() {
    return caBundle;
  }

  @Override
  public void close() {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp directory holds no secret
    }
  }
}
