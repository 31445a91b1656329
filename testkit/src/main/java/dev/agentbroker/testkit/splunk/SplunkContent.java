package dev.agentbroker.testkit.splunk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The searches committed under docs/splunk: every Dashboard Studio data source of {@code
 * dashboard.json} (by its id, {@code $idx$} replaced by {@code audit}) and every {@code search} of
 * {@code savedsearches.conf} (by stanza name, continuation lines joined).
 */
public final class SplunkContent {
  private SplunkContent() {}

  public static Map<String, String> searches(Path splunkDir) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode dashboard = new ObjectMapper().readTree(splunkDir.resolve("dashboard.json").toFile());
    dashboard
        .get("dataSources")
        .fields()
        .forEachRemaining(
            e ->
                out.put(
                    e.getKey(),
                    e.getValue().at("/options/query").asText().replace("$idx$", "audit")));
    String text =
        Files.readString(splunkDir.resolve("savedsearches.conf")).replaceAll("\\\\\\r?\\n", " ");
    String stanza = null;
    for (String line : text.split("\\r?\\n")) {
      if (line.startsWith("[")) {
        stanza = line.substring(1, line.indexOf(']'));
      } else if (line.startsWith("search = ") && stanza != null) {
        out.put(stanza, line.substring("search = ".length()));
      }
    }
    return out;
  }
}
