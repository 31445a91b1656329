package dev.agentbroker.testkit.openbao;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** KV v2 secrets engines: every write adds a version; reads serve the latest or a given one. */
final class BaoKv {
  private record Version(Map<String, Object> data, Instant created) {}

  private final Clock clock;
  private final Map<String, List<Version>> secrets = new ConcurrentHashMap<>();

  BaoKv(Clock clock) {
    this.clock = clock;
  }

  /** Writes a new version of {@code mount/path}; returns its version number. */
  synchronized int put(String mount, String path, Map<String, Object> data) {
    List<Version> v = secrets.computeIfAbsent(mount + "/" + path, k -> new ArrayList<>());
    v.add(new Version(new LinkedHashMap<>(data), clock.instant()));
    return v.size();
  }

  /** The {@code {"data":{...},"metadata":{...}}} object of a KV v2 read; 404 when absent. */
  synchronized Map<String, Object> read(String mount, String path, Integer version)
      throws BaoError {
    List<Version> v = secrets.get(mount + "/" + path);
    if (v == null || v.isEmpty()) {
      throw new BaoError(404, null);
    }
    int n = version == null || version == 0 ? v.size() : version;
    if (n < 1 || n > v.size()) {
      throw new BaoError(404, null);
    }
    Version x = v.get(n - 1);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("created_time", x.created().toString());
    metadata.put("custom_metadata", null);
    metadata.put("deletion_time", "");
    metadata.put("destroyed", false);
    metadata.put("version", n);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("data", x.data());
    out.put("metadata", metadata);
    return out;
  }
}
