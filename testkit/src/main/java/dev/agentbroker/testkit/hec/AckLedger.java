package dev.agentbroker.testkit.hec;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Indexer-acknowledgement state: ack ids are issued per channel from 0 upwards, and a query answers
 * true exactly once for an indexed id (Splunk forgets an id once it has reported it).
 */
final class AckLedger {
  private final Map<String, Long> nextId = new HashMap<>();
  private final Map<String, Set<Long>> indexed = new HashMap<>();

  synchronized long issue(String channel, boolean willIndex) {
    long id = nextId.merge(channel, 1L, Long::sum) - 1;
    if (willIndex) {
      indexed.computeIfAbsent(channel, c -> new HashSet<>()).add(id);
    }
    return id;
  }

  synchronized boolean query(String channel, long id) {
    Set<Long> ids = indexed.get(channel);
    return ids != null && ids.remove(id);
  }

  synchronized void clear() {
    nextId.clear();
    indexed.clear();
  }
}
