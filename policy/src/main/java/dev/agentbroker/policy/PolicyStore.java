package dev.agentbroker.policy;

import dev.agentbroker.policy.internal.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Holds the current policy of one file and hot-reloads it. The first load must succeed (fail
 * closed: no policy, no broker); later broken edits keep the last good policy in force and are
 * reported through the counters and {@link #lastError()}.
 *
 * <p>A deployment may add checks the file alone cannot make (the broker refuses identities that
 * name its human-only issuer): they run on every load, and a policy they object to is treated
 * exactly like one that does not compile — refused at start-up, refused on reload.
 *
 * <p>{@link #current()} is lock-free; reloads are serialised.
 */
public final class PolicyStore {
  private static final Function<CompiledPolicy, List<PolicyProblem>> NO_CHECK = p -> List.of();

  private final Path file;
  private final Clock clock;
  private final Function<CompiledPolicy, List<PolicyProblem>> check;

  private volatile CompiledPolicy current;
  private volatile Instant lastLoadedAt;
  private volatile String lastError;
  private volatile boolean lastReloadFailed;
  private final AtomicLong successes = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  // Guarded by "this".
  private FileTime lastModified;
  private long lastSize;
  private String currentHash;
  private String lastFailedHash;

  private PolicyStore(Path file, Clock clock, Function<CompiledPolicy, List<PolicyProblem>> check) {
    this.file = file;
    this.clock = clock;
    this.check = check;
  }

  /** Loads {@code file}; throws if it is unreadable or invalid, so startup fails closed. */
  public static PolicyStore open(Path file, Clock clock) throws PolicyException {
    return open(file, clock, NO_CHECK);
  }

  /**
   * Like {@link #open(Path, Clock)}, with {@code check} run on every compiled policy (at open and
   * on each reload); a non-empty answer refuses that policy like a compile error.
   */
  public static PolicyStore open(
      Path file, Clock clock, Function<CompiledPolicy, List<PolicyProblem>> check)
      throws PolicyException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(check, "check");
    PolicyStore store = new PolicyStore(file, clock, check);
    byte[] bytes;
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
      bytes = Files.readAllBytes(file);
    } catch (IOException | SecurityException e) {
      throw PolicyCompiler.unreadable(file.toString(), e);
    }
    CompiledPolicy policy = store.checked(bytes);
    synchronized (store) {
      store.install(policy, Hashing.sha256Hex(bytes), attrs);
    }
    return store;
  }

  /** The policy in force: the last one that compiled. */
  public CompiledPolicy current() {
    return current;
  }

  public Path file() {
    return file;
  }

  /**
   * Reloads when the file content changed. The content hash is compared even when mtime and size
   * are unchanged, because coarse filesystem timestamps can hide a same-size rewrite; reading and
   * hashing a small file is cheap, only compiling is not, and compiling happens only for new
   * content. Content that already failed is not recompiled (and not counted) again. Never throws.
   */
  public synchronized ReloadResult reloadIfChanged() {
    byte[] bytes;
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
      bytes = Files.readAllBytes(file);
    } catch (IOException | RuntimeException e) {
      lastFailedHash = null; // an unreadable file says nothing about content; retry next time
      return failed(PolicyCompiler.unreadable(file.toString(), e).problems());
    }
    lastModified = attrs.lastModifiedTime();
    lastSize = attrs.size();
    String hash = Hashing.sha256Hex(bytes);
    if (hash.equals(currentHash)) {
      // Reverting to the content in force is a recovery too.
      lastReloadFailed = false;
      lastFailedHash = null;
      return new ReloadResult(ReloadResult.Status.UNCHANGED, List.of());
    }
    if (hash.equals(lastFailedHash)) {
      return new ReloadResult(ReloadResult.Status.UNCHANGED, List.of());
    }
    try {
      CompiledPolicy policy = checked(bytes);
      install(policy, hash, attrs);
      successes.incrementAndGet();
      return new ReloadResult(ReloadResult.Status.RELOADED, List.of());
    } catch (PolicyException e) {
      lastFailedHash = hash;
      return failed(e.problems());
    } catch (RuntimeException e) {
      // A compiler bug must not take the broker down; keep the last good policy.
      lastFailedHash = hash;
      return failed(List.of(new PolicyProblem(file.toString(), 0, 0, "", "internal error: " + e)));
    }
  }

  private CompiledPolicy checked(byte[] bytes) throws PolicyException {
    CompiledPolicy policy =
        PolicyCompiler.compile(PolicyCompiler.decode(bytes, file.toString()), file.toString());
    List<PolicyProblem> problems = check.apply(policy);
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
    return policy;
  }

  private void install(CompiledPolicy policy, String hash, BasicFileAttributes attrs) {
    current = policy;
    currentHash = hash;
    lastModified = attrs.lastModifiedTime();
    lastSize = attrs.size();
    lastLoadedAt = clock.instant();
    lastReloadFailed = false;
    lastFailedHash = null;
    lastError = null;
  }

  private ReloadResult failed(List<PolicyProblem> problems) {
    failures.incrementAndGet();
    lastReloadFailed = true;
    lastError = new PolicyException(problems).getMessage();
    return new ReloadResult(ReloadResult.Status.FAILED, problems);
  }

  public long reloadSuccesses() {
    return successes.get();
  }

  public long reloadFailures() {
    return failures.get();
  }

  /** Problems of the most recent failed reload; cleared by the next successful load. */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  /** When the policy in force was loaded, by the injected clock. */
  public Instant lastLoadedAt() {
    return lastLoadedAt;
  }

  /** True while the file on disk is not the policy in force because it failed to load. */
  public boolean lastReloadFailed() {
    return lastReloadFailed;
  }

  /** Size and mtime seen at the last check (diagnostics). */
  public synchronized String lastSeenStat() {
    return "size=" + lastSize + " mtime=" + lastModified;
  }
}
