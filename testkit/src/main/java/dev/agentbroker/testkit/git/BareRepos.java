package dev.agentbroker.testkit.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The bare repositories behind the host, created and inspected with the real {@code git} CLI.
 *
 * <p>Each starts with one commit on {@code main} built with plumbing and fixed author, committer
 * and dates, so its commit id is the same on every run and machine. Every git process gets a clean
 * environment (PATH, a private HOME, no system config) so a developer's {@code ~/.gitconfig} cannot
 * change what the tests see.
 */
final class BareRepos {
  /** {@code owner/name} as GitHub spells them (see {@link GitRoute}). */
  private static final Pattern FULL_NAME =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+");

  /** 2025-06-01T12:00:00Z, the testkit's usual start instant. */
  private static final String FIXED_DATE = "1748779200 +0000";

  private static final long GIT_TIMEOUT_SECONDS = 60;

  final Path root;
  final Path home;

  /** Lower-cased {@code owner/name} to the canonical spelling given at start. */
  private final Map<String, String> canonical;

  private BareRepos(Path root, Path home, Map<String, String> canonical) {
    this.root = root;
    this.home = home;
    this.canonical = Collections.unmodifiableMap(canonical);
  }

  /**
   * Creates (or keeps, when already present) {@code root/<owner>/<name>.git} for each entry.
   * Existing repositories are left as they are so a demo restarted on the same directory keeps what
   * was pushed to it.
   */
  static BareRepos create(Path root, Path home, List<String> fullNames) {
    Map<String, String> canonical = new LinkedHashMap<>();
    for (String full : fullNames) {
      if (full == null || !FULL_NAME.matcher(full).matches() || full.endsWith(".git")) {
        throw new IllegalArgumentException("repository must be owner/name: " + full);
      }
      String name = full.substring(full.indexOf('/') + 1);
      if (name.matches("\\.+")) {
        throw new IllegalArgumentException("repository must be owner/name: " + full);
      }
      if (canonical.putIfAbsent(full.toLowerCase(Locale.ROOT), full) != null) {
        throw new IllegalArgumentException("repository listed twice: " + full);
      }
    }
    BareRepos repos = new BareRepos(root, home, canonical);
    for (String full : canonical.values()) {
      repos.init(full);
    }
    return repos;
  }

  /** The canonical {@code owner/name} hosted for {@code owner/name} (case-insensitive), or null. */
  String canonical(String fullName) {
    return canonical.get(fullName.toLowerCase(Locale.ROOT));
  }

  List<String> names() {
    return new ArrayList<>(canonical.values());
  }

  Path gitDir(String canonicalFullName) {
    return root.resolve(canonicalFullName + ".git");
  }

  private void init(String full) {
    Path dir = gitDir(full);
    if (Files.isRegularFile(dir.resolve("HEAD"))) {
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    git(null, null, "init", "--quiet", "--bare", "-b", "main", dir.toString());
    git(dir, null, "config", "http.receivepack", "true");
    String readme = "# " + full + "\n\nServed by the agent-broker testkit git host.\n";
    String blob = git(dir, readme, "hash-object", "-w", "--stdin").strip();
    String tree = git(dir, "100644 blob " + blob + "\tREADME.md\n", "mktree").strip();
    String commit = git(dir, null, "commit-tree", tree, "-m", "Initial commit").strip();
    git(dir, null, "update-ref", "refs/heads/main", commit);
  }

  /** The commit {@code ref} points at in {@code owner/name}, or null when it does not resolve. */
  String ref(String fullName, String ref) {
    String full = canonical(fullName);
    if (full == null) {
      throw new IllegalArgumentException("not hosted: " + fullName);
    }
    if (ref.isEmpty() || ref.startsWith("-")) {
      return null;
    }
    try {
      return git(gitDir(full), null, "rev-parse", "--verify", "--quiet", ref + "^{commit}").strip();
    } catch (IllegalStateException notFound) {
      return null;
    }
  }

  /** The clean environment every git process here runs with. */
  Map<String, String> baseEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    String path = System.getenv("PATH");
    env.put("PATH", path == null || path.isBlank() ? "/usr/local/bin:/usr/bin:/bin" : path);
    env.put("HOME", home.toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("LC_ALL", "C");
    return env;
  }

  /**
   * Runs {@code git args} in {@code gitDir} (as {@code GIT_DIR}) with {@code stdin}; returns
   * stdout. Throws IllegalStateException on a non-zero exit. stderr is merged into the output
   * because the plumbing used here prints nothing on success.
   */
  String git(Path gitDir, String stdin, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    Collections.addAll(cmd, args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(baseEnvironment());
    pb.environment().put("GIT_AUTHOR_NAME", "Agent Broker Testkit");
    pb.environment().put("GIT_AUTHOR_EMAIL", "testkit@agent-broker.invalid");
    pb.environment().put("GIT_AUTHOR_DATE", FIXED_DATE);
    pb.environment().put("GIT_COMMITTER_NAME", "Agent Broker Testkit");
    pb.environment().put("GIT_COMMITTER_EMAIL", "testkit@agent-broker.invalid");
    pb.environment().put("GIT_COMMITTER_DATE", FIXED_DATE);
    if (gitDir != null) {
      pb.environment().put("GIT_DIR", gitDir.toString());
    }
    pb.directory(home.toFile());
    try {
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      String out;
      try (InputStream o = p.getInputStream()) {
        out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("git " + args[0] + " timed out");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running git", e);
    }
  }
}
