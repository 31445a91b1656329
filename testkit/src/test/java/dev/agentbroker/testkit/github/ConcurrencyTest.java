package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Many concurrent mints sharing one JWT, as a benchmark drives the simulator. */
class ConcurrencyTest extends SimulatorHarness {

  @Test
  void concurrentMintsAreAllAnsweredAndDistinct() throws Exception {
    String jwt = appJwt();
    String body = "{\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"read\"}}";
    Set<String> tokens = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        results.add(
            pool.submit(
                () -> {
                  var r =
                      send(
                          "POST",
                          "/app/installations/" + ACME + "/access_tokens",
                          "Bearer " + jwt,
                          body);
                  tokens.add(json(r).get("token").asText());
                  return r.statusCode();
                }));
      }
      for (Future<Integer> f : results) {
        assertEquals(201, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(400, tokens.size());
    assertEquals(400, sim.issuedTokenCount());
    assertEquals(400, sim.mintRequests().size());
    assertEquals(1, sim.distinctAppJwtsSeen());
  }
}
