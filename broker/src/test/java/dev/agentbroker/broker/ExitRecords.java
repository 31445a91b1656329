package dev.agentbroker.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/** What the broker recorded about one request: its decision lines and its journal events. */
public final class ExitRecords {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ExitRecords() {}

  /** The decision lines naming {@code requestId}, once at least one has reached the log file. */
  public static List<String> lines(String requestId) throws IOException {
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> !linesNow(requestId).isEmpty());
    return linesNow(requestId);
  }

  public static List<String> linesNow(String requestId) throws IOException {
    String marker = "request_id=" + requestId;
    return Files.readAllLines(BrokerTestEnv.logFile).stream()
        .filter(l -> l.contains("action=") && (l.endsWith(marker) || l.contains(marker + " ")))
        .toList();
  }

  /** The journal events carrying {@code requestId}; an append is durable before the answer. */
  public static List<JsonNode> events(String requestId) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(BrokerTestEnv.dir.resolve("journal"))) {
      for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList()) {
        if (!Files.isRegularFile(p)) {
          continue;
        }
        for (String l : Files.readAllLines(p)) {
          JsonNode event = MAPPER.readTree(l).path("event");
          if (requestId.equals(event.path("request_id").asText(null))) {
            out.add(event);
          }
        }
      }
    }
    return out;
  }
}
