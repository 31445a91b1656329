package dev.agentbroker.egress.internal.inject;

import dev.agentbroker.egress.internal.inject.TokenSource.Lease;
import dev.agentbroker.egress.internal.inject.TokenSource.MintException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Registered runs, one per proxy user (the sandbox's identity on the proxy), and their tokens. A
 * token is minted on the first request that needs it, reused until {@link #REFRESH_BEFORE} before
 * it expires, and revoked when its run is unregistered or expires (and when it is replaced).
 */
public final class RunRegistry {
  /** A cached token is replaced this long before it expires. */
  public static final Duration REFRESH_BEFORE = Duration.ofMinutes(10);

  private static final Logger LOG = Logger.getLogger("dev.agentbroker.egress.inject");

  /** A run as registered by the runner. */
  public record Run(String runId, String user, Grant grant, Instant expiresAt) {}

  /** Outcome of a registration: {@code null} reason means registered. */
  public record Registration(int status, String reason) {}

  private static final class Entry {
    final Run run;
    Lease lease;
    CompletableFuture<Lease> pending;

    Entry(Run run) {
      this.run = run;
    }
  }

  private final Map<String, Entry> byUser = new HashMap<>(); // guarded by this
  private final Map<String, Entry> byRun = new HashMap<>(); // guarded by this
  private final List<String> users;
  private final int maxRuns;
  private final TokenSource tokens;
  private final ExecutorService workers;
  private final Clock clock;

  public RunRegistry(
      List<String> users, int maxRuns, TokenSource tokens, ExecutorService workers, Clock clock) {
    this.users = List.copyOf(users);
    this.maxRuns = maxRuns;
    this.tokens = tokens;
    this.workers = workers;
    this.clock = clock;
  }

  public synchronized Registration register(Run run) {
    if (!users.contains(run.user())) {
      return new Registration(422, "not_inject_user");
    }
    if (!run.expiresAt().isAfter(clock.instant())) {
      return new Registration(422, "already_expired");
    }
    Entry old = byRun.get(run.runId());
    if (old != null) {
      return old.run.equals(run)
          ? new Registration(200, null)
          : new Registration(409, "run_exists");
    }
    if (byUser.containsKey(run.user())) {
      return new Registration(409, "user_busy");
    }
    if (byRun.size() >= maxRuns) {
      return new Registration(503, "too_many_runs");
    }
    Entry e = new Entry(run);
    byUser.put(run.user(), e);
    byRun.put(run.runId(), e);
    return new Registration(201, null);
  }

  /** Ends a run and revokes its token (in the background); false when no such run. */
  public boolean unregister(String runId) {
    Entry e;
    synchronized (this) {
      e = byRun.remove(runId);
      if (e == null) {
        return false;
      }
      byUser.remove(e.run.user());
    }
    revokeLater(e);
    return true;
  }

  /** The live run of {@code user}, or null; an expired run is ended on the way. */
  public Run run(String user) {
    Entry e;
    synchronized (this) {
      e = byUser.get(user);
      if (e == null) {
        return null;
      }
      if (clock.instant().isBefore(e.run.expiresAt())) {
        return e.run;
      }
      byUser.remove(user);
      byRun.remove(e.run.runId());
    }
    revokeLater(e);
    return null;
  }

  /** Ends every expired run; called periodically. */
  public void expireDue() {
    List<Entry> due = new ArrayList<>();
    synchronized (this) {
      Instant now = clock.instant();
      for (Entry e : List.copyOf(byRun.values())) {
        if (!now.isBefore(e.run.expiresAt())) {
          byRun.remove(e.run.runId());
          byUser.remove(e.run.user());
          due.add(e);
        }
      }
    }
    due.forEach(this::revokeLater);
  }

  public synchronized List<String> runIds() {
    return List.copyOf(byRun.keySet());
  }

  public synchronized int size() {
    return byRun.size();
  }

  /**
   * The run's token: at once when cached and fresh, else after one mint shared by every request
   * that asks meanwhile. Completes exceptionally with {@link MintException}.
   */
  CompletableFuture<Lease> token(Run run) {
    synchronized (this) {
      Entry e = byRun.get(run.runId());
      if (e == null) {
        return CompletableFuture.failedFuture(new MintException("run_ended"));
      }
      if (e.lease != null && clock.instant().isBefore(e.lease.expiresAt().minus(REFRESH_BEFORE))) {
        return CompletableFuture.completedFuture(e.lease);
      }
      if (e.pending != null) {
        return e.pending;
      }
      CompletableFuture<Lease> f = new CompletableFuture<>();
      e.pending = f;
      workers.execute(() -> mint(e, f));
      return f;
    }
  }

  private void mint(Entry e, CompletableFuture<Lease> f) {
    Lease fresh = null;
    MintException failure = null;
    try {
      fresh = tokens.mint(e.run.grant());
    } catch (MintException ex) {
      failure = ex;
    } catch (RuntimeException ex) {
      failure = new MintException("internal");
    }
    Lease replaced = null;
    boolean live;
    synchronized (this) {
      e.pending = null;
      live = byRun.get(e.run.runId()) == e;
      if (fresh != null && live) {
        replaced = e.lease;
        e.lease = fresh;
      }
    }
    if (fresh != null && !live) {
      // The run ended while minting: this token must not survive it.
      Lease orphan = fresh;
      workers.execute(() -> tokens.revoke(orphan.leaseId()));
    }
    if (replaced != null) {
      Lease old = replaced;
      workers.execute(() -> tokens.revoke(old.leaseId()));
    }
    if (failure != null) {
      LOG.warning("inject mint failed run=" + e.run.runId() + " code=" + failure.code());
      f.completeExceptionally(failure);
    } else if (!live) {
      f.completeExceptionally(new MintException("run_ended"));
    } else {
      f.complete(fresh);
    }
  }

  private void revokeLater(Entry e) {
    Lease l;
    synchronized (this) {
      l = e.lease;
      e.lease = null;
    }
    if (l != null) {
      Lease lease = l;
      workers.execute(
          () -> {
            boolean ok = tokens.revoke(lease.leaseId());
            LOG.log(
                ok ? Level.INFO : Level.WARNING,
                "inject run ended run="
                    + e.run.runId()
                    + " lease="
                    + lease.leaseId()
                    + " revoked="
                    + ok);
          });
    }
  }
}
