package dev.agentbroker.audit.hec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.audit.AuditEventJson;
import dev.agentbroker.audit.JournalRecord;
import dev.agentbroker.audit.MutableClock;
import dev.agentbroker.audit.TestEvents;
import dev.agentbroker.audit.hec.internal.Backoff;
import dev.agentbroker.audit.hec.internal.Envelope;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EnvelopeAndBackoffTest {
  private final MutableClock clock = new MutableClock(Instant.parse("1970-01-01T00:00:01.005Z"));

  @Test
  void envelopeCarriesMetadataTimeAndTheVerbatimEventPlusChainFields() throws Exception {
    HecConfig config =
        HecConfig.builder(URI.create("https://hec.example:8088"), "t")
            .index("main")
            .host("h\"1")
            .build();
    String eventJson = AuditEventJson.toJson(TestEvents.event(clock, 7));
    JournalRecord record = new JournalRecord(42, "a".repeat(64), "b".repeat(64), eventJson);
    byte[] bytes = new Envelope(config).encode(record);
    JsonNode env = new ObjectMapper().readTree(bytes);
    assertEquals("1.005", env.get("time").asText());
    assertEquals("h\"1", env.get("host").asText());
    assertEquals("github:broker:audit", env.get("sourcetype").asText());
    assertEquals("main", env.get("index").asText());
    assertEquals(42, env.at("/event/seq").asLong());
    assertEquals("a".repeat(64), env.at("/event/prev_hash").asText());
    assertEquals("b".repeat(64), env.at("/event/hash").asText());
    String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(text.contains(eventJson.substring(0, eventJson.length() - 1)), "spliced verbatim");
  }

  @Test
  void backoffGrowsExponentiallyWithJitterAndIsCapped() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    for (int i = 0; i < 200; i++) {
      Duration d0 = b.delay(0);
      assertTrue(d0.toMillis() >= 1 && d0.toMillis() <= 100, d0.toString());
      Duration d10 = b.delay(10);
      assertTrue(d10.toMillis() <= 2_000, d10.toString());
    }
    long max = 0;
    for (int i = 0; i < 200; i++) {
      max = Math.max(max, b.delay(4).toMillis());
    }
    assertTrue(max > 800, "attempt 4 may wait up to 1.6 s: " + max);
    assertEquals(Duration.ofSeconds(2), b.delay(0, Duration.ofSeconds(30)), "Retry-After capped");
  }

  @Test
  void configValidatesAndRedacts() {
    assertThrows(
        IllegalArgumentException.class,
        () -> HecConfig.builder(URI.create("ftp://x"), "t").build());
    assertThrows(
        IllegalArgumentException.class,
        () -> HecConfig.builder(URI.create("https://x"), " ").build());
    HecConfig c = HecConfig.builder(URI.create("https://x"), "sekrit").build();
    assertTrue(c.toString().contains("token=<redacted>"));
    assertEquals("github:broker:audit", c.sourcetype());
    assertEquals(500, c.maxBatchEvents());
    assertTrue(c.gzip());
  }
}
