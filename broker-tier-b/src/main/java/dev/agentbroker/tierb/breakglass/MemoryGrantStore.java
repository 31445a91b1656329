package dev.agentbroker.tierb.breakglass;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Grants in this JVM only (one replica). With a {@link Persistence} every change also writes the
 * whole set (break-glass is rare, so simplicity beats write volume); a failed write leaves memory
 * as it was, and the change is refused. Leases are measured on the monotonic clock: they bound how
 * long a stuck holder blocks others, which is real time, not the grants' business time.
 */
public final class MemoryGrantStore implements GrantStore {
  /** Loads and saves the whole set; {@link #save} must be all-or-nothing. */
  interface Persistence {
    List<Grant> load() throws GrantStoreException;

    void save(List<Grant> grants) throws IOException;

    String describe();
  }

  private record Lease(String owner, long untilNanos) {}

  private final Object lock = new Object();
  private final Map<String, Grant> grants = new LinkedHashMap<>();
  private final Map<String, Lease> leases = new HashMap<>();
  private final int historyLimit;
  private final Persistence persistence;
  private boolean loaded;

  /**
   * @param historyLimit decided grants kept; the oldest beyond it are dropped
   */
  public MemoryGrantStore(int historyLimit) {
    this(historyLimit, null);
  }

  MemoryGrantStore(int historyLimit, Persistence persistence) {
    if (historyLimit < 1) {
      throw new IllegalArgumentException("history limit must be >= 1");
    }
    this.historyLimit = historyLimit;
    this.persistence = persistence;
  }

  @Override
  public Optional<Grant> get(String id) throws GrantStoreException {
    synchronized (lock) {
      loaded();
      return Optional.ofNullable(grants.get(id));
    }
  }

  @Override
  public List<Grant> list() throws GrantStoreException {
    synchronized (lock) {
      loaded();
      return grants.values().stream()
          .sorted(Comparator.comparing(Grant::requestedAt).reversed())
          .toList();
    }
  }

  @Override
  public boolean create(Grant grant) throws GrantStoreException {
    synchronized (lock) {
      loaded();
      if (grants.containsKey(grant.id())) {
        return false;
      }
      write(grant);
      return true;
    }
  }

  @Override
  public boolean replace(Grant expected, Grant next) throws GrantStoreException {
    if (!expected.id().equals(next.id())) {
      throw new IllegalArgumentException("a grant keeps its id");
    }
    synchronized (lock) {
      loaded();
      if (!Objects.equals(grants.get(expected.id()), expected)) {
        return false;
      }
      write(next);
      return true;
    }
  }

  @Override
  public boolean lock(String id, String owner, Duration ttl) {
    synchronized (lock) {
      long now = System.nanoTime();
      Lease l = leases.get(id);
      if (l != null && l.untilNanos() - now > 0 && !l.owner().equals(owner)) {
        return false;
      }
      leases.put(id, new Lease(owner, now + ttl.toNanos()));
      return true;
    }
  }

  @Override
  public void unlock(String id, String owner) {
    synchronized (lock) {
      Lease l = leases.get(id);
      if (l != null && l.owner().equals(owner)) {
        leases.remove(id);
      }
    }
  }

  @Override
  public String describe() {
    return persistence == null ? "memory" : persistence.describe();
  }

  private void loaded() throws GrantStoreException {
    if (loaded) {
      return;
    }
    if (persistence != null) {
      for (Grant g : persistence.load()) {
        grants.put(g.id(), g);
      }
    }
    loaded = true;
  }

  /** Puts {@code g}, trims the history and persists; on a failed save memory is restored. */
  private void write(Grant g) throws GrantStoreException {
    Map<String, Grant> before = new LinkedHashMap<>(grants);
    grants.put(g.id(), g);
    List<Grant> decided =
        grants.values().stream()
            .filter(x -> !x.state().open())
            .sorted(Comparator.comparing(Grant::requestedAt).reversed())
            .toList();
    for (int i = historyLimit; i < decided.size(); i++) {
      grants.remove(decided.get(i).id());
    }
    if (persistence == null) {
      return;
    }
    try {
      persistence.save(new ArrayList<>(grants.values()));
    } catch (IOException e) {
      grants.clear();
      grants.putAll(before);
      throw new GrantStoreException(
          "break-glass store " + persistence.describe() + " cannot be written", e);
    }
  }
}
