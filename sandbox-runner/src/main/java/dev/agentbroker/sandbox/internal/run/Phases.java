package dev.agentbroker.sandbox.internal.run;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where a run's time went, for its end line ({@code jvm_ms} from process start to the run's first
 * step, then explain, mint, setup, sandbox, teardown): the benchmark subtracts the broker's share
 * to get the launcher's own overhead, and operators see a slow broker or runtime at once.
 */
final class Phases {
  private final Map<String, Long> ms = new LinkedHashMap<>();
  private final Map<String, Long> started = new LinkedHashMap<>();

  Phases() {
    ProcessHandle.current()
        .info()
        .startInstant()
        .ifPresent(s -> ms.put("jvm", Math.max(0, Duration.between(s, Instant.now()).toMillis())));
  }

  <T> T time(String phase, Supplier<T> step) {
    start(phase);
    try {
      return step.get();
    } finally {
      stop(phase);
    }
  }

  void time(String phase, Runnable step) {
    time(
        phase,
        () -> {
          step.run();
          return null;
        });
  }

  void start(String phase) {
    started.put(phase, System.nanoTime());
  }

  void stop(String phase) {
    Long t = started.remove(phase);
    if (t != null) {
      ms.merge(phase, (System.nanoTime() - t) / 1_000_000, Long::sum);
    }
  }

  /** {@code jvm_ms=… explain_ms=… …} */
  String render() {
    StringBuilder sb = new StringBuilder();
    ms.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(k).append("_ms=").append(v));
    return sb.toString();
  }
}
