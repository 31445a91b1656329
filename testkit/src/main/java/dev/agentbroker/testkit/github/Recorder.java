package dev.agentbroker.testkit.github;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the simulator has seen. Bounded so that a long benchmark run cannot exhaust the heap: only
 * the most recent {@link #MAX_REQUESTS} requests and {@link #MAX_MINTS} mints are kept (tests that
 * assert on recordings call {@code reset()} first and stay far below these numbers).
 */
final class Recorder {
  static final int MAX_REQUESTS = 50_000;
  static final int MAX_MINTS = 200_000;

  private final ArrayDeque<RecordedRequest> requests = new ArrayDeque<>();
  private final ArrayDeque<MintRequest> mints = new ArrayDeque<>();
  private final Set<String> appJwts = ConcurrentHashMap.newKeySet();

  synchronized void request(RecordedRequest r) {
    if (requests.size() >= MAX_REQUESTS) {
      requests.pollFirst();
    }
    requests.addLast(r);
  }

  synchronized void mint(MintRequest m) {
    if (mints.size() >= MAX_MINTS) {
      mints.pollFirst();
    }
    mints.addLast(m);
  }

  void appJwt(String jwt) {
    appJwts.add(jwt);
  }

  synchronized List<RecordedRequest> requests() {
    return List.copyOf(new ArrayList<>(requests));
  }

  synchronized List<MintRequest> mints() {
    return List.copyOf(new ArrayList<>(mints));
  }

  int distinctAppJwts() {
    return appJwts.size();
  }

  synchronized void clear() {
    requests.clear();
    mints.clear();
    appJwts.clear();
  }
}
