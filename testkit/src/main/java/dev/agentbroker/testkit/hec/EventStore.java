package dev.agentbroker.testkit.hec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Thread-safe store of accepted events and a bounded request log. */
final class EventStore {
  private static final int MAX_LOG = 50_000;
  private final List<ReceivedEvent> events = new ArrayList<>();
  private final Deque<HecRequest> log = new ArrayDeque<>();

  synchronized void record(List<ReceivedEvent> batch) {
    events.addAll(batch);
  }

  synchronized void log(HecRequest request) {
    if (log.size() == MAX_LOG) {
      log.removeFirst();
    }
    log.addLast(request);
  }

  synchronized List<ReceivedEvent> events() {
    return List.copyOf(events);
  }

  synchronized int eventCount() {
    return events.size();
  }

  synchronized List<HecRequest> requests() {
    return List.copyOf(log);
  }

  synchronized void clear() {
    events.clear();
    log.clear();
  }
}
