package dev.agentbroker.testkit.hec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HecReceiverTest {
  private static final String TOKEN = "abcd-1234";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private HecReceiver hec;

  @AfterEach
  void stop() {
    if (hec != null) {
      hec.close();
    }
  }

  private record Resp(int status, JsonNode body) {}

  private Resp post(String path, String auth, String channel, byte[] body, boolean gzip)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(hec.baseUri() + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    if (channel != null) {
      b.header("X-Splunk-Request-Channel", channel);
    }
    if (gzip) {
      b.header("Content-Encoding", "gzip");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode node;
    try {
      node = JSON.readTree(r.body());
    } catch (IOException e) {
      node = JSON.getNodeFactory().textNode(r.body());
    }
    return new Resp(r.statusCode(), node);
  }

  private Resp event(String body) throws Exception {
    return post(
        "/services/collector/event",
        "Splunk " + TOKEN,
        null,
        body.getBytes(StandardCharsets.UTF_8),
        false);
  }

  private static void assertHec(Resp r, int status, int code, String text) {
    assertEquals(status, r.status(), r.body().toString());
    assertEquals(code, r.body().get("code").asInt(), r.body().toString());
    assertEquals(text, r.body().get("text").asText());
  }

  @Test
  void acceptsBatchesAndAnswersSplunkCodes() throws Exception {
    hec = HecReceiver.start(HecReceiverSettings.of(TOKEN).withIndexes(java.util.Set.of("audit")));
    String two =
        "{\"time\":1748779200.042,\"index\":\"audit\",\"event\":{\"event_id\":\"a\"}}"
            + "{\"event\":{\"event_id\":\"b\"}}";
    assertHec(event(two), 200, 0, "Success");
    assertEquals(Map.of("a", 1, "b", 1), hec.receivedEventIds());
    assertEquals("1748779200.042", hec.received().get(0).time());

    byte[] bytes = "{\"event\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    assertHec(
        post("/services/collector/event", null, null, bytes, false), 401, 2, "Token is required");
    assertHec(
        post("/services/collector/event", "Bearer " + TOKEN, null, bytes, false),
        401,
        3,
        "Invalid authorization");
    assertHec(
        post("/services/collector/event", "Splunk nope", null, bytes, false),
        403,
        4,
        "Invalid token");
    assertHec(event(""), 400, 5, "No data");
    assertHec(event("{\"time\":1}"), 400, 12, "Event field is required");
    assertHec(event("{\"event\":\"\"}"), 400, 13, "Event field cannot be blank");
    assertHec(event("{\"event\":1,\"index\":\"main\"}"), 400, 7, "Incorrect index");

    Resp bad = event("{\"event\":\"ok\"}{\"event\":\"ok\"}{\"event\": oops}");
    assertHec(bad, 400, 6, "Invalid data format");
    assertEquals(2, bad.body().get("invalid-event-number").asInt());
    assertEquals(2, hec.receivedCount(), "a rejected batch records nothing");

    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write("{\"event\":{\"event_id\":\"c\"}}".getBytes(StandardCharsets.UTF_8));
    }
    assertHec(
        post("/services/collector/event", "Splunk " + TOKEN, null, gz.toByteArray(), true),
        200,
        0,
        "Success");
    assertTrue(hec.receivedEventIds().containsKey("c"));

    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(hec.baseUri() + "/services/collector/health"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());
    assertEquals("{\"text\":\"HEC is healthy\",\"code\":17}", health.body());
  }

  @Test
  void acksNeedAChannelAndAnswerTrueOnce() throws Exception {
    hec = HecReceiver.start(HecReceiverSettings.of(TOKEN).withAcks(true));
    byte[] body = "{\"event\":{\"event_id\":\"a\"}}".getBytes(StandardCharsets.UTF_8);
    String auth = "Splunk " + TOKEN;
    assertHec(
        post("/services/collector/event", auth, null, body, false),
        400,
        10,
        "Data channel is missing");
    assertHec(
        post("/services/collector/event", auth, "not-a-uuid", body, false),
        400,
        11,
        "Invalid data channel");
    String channel = UUID.randomUUID().toString();
    Resp first = post("/services/collector/event", auth, channel, body, false);
    assertHec(first, 200, 0, "Success");
    assertEquals(0, first.body().get("ackId").asLong());
    assertEquals(
        1,
        post("/services/collector/event", auth, channel, body, false).body().get("ackId").asLong());

    byte[] query = "{\"acks\":[0,1,7]}".getBytes(StandardCharsets.UTF_8);
    Resp acks = post("/services/collector/ack", auth, channel, query, false);
    assertEquals(200, acks.status());
    assertEquals(JSON.readTree("{\"acks\":{\"0\":true,\"1\":true,\"7\":false}}"), acks.body());
    Resp again = post("/services/collector/ack", auth, channel, query, false);
    assertEquals(JSON.readTree("{\"acks\":{\"0\":false,\"1\":false,\"7\":false}}"), again.body());
  }

  @Test
  void injectsBusyDropsLatencyAndOutages() throws Exception {
    hec = HecReceiver.start(HecReceiverSettings.of(TOKEN));
    String one = "{\"event\":{\"event_id\":\"a\"}}";
    hec.faults().busyNext(2);
    assertHec(event(one), 503, 9, "Server is busy");
    assertHec(event(one), 503, 9, "Server is busy");
    assertHec(event(one), 200, 0, "Success");

    hec.faults().dropNext(1);
    assertThrows(IOException.class, () -> event(one));
    assertEquals(1, hec.receivedCount(), "dropped before recording");

    hec.faults().dropAfterRecordNext(1);
    assertThrows(IOException.class, () -> event(one));
    assertEquals(2, hec.receivedCount(), "recorded, then dropped");
    assertEquals(Map.of("a", 2), hec.receivedEventIds());

    hec.faults().latency(Duration.ofMillis(200));
    long start = System.nanoTime();
    assertHec(event(one), 200, 0, "Success");
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(200).toNanos());
    hec.faults().latency(Duration.ZERO);

    hec.faults().downFor(Duration.ofMillis(300));
    assertThrows(IOException.class, () -> event(one));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    Resp after = null;
    while (after == null && System.nanoTime() < deadline) {
      try {
        after = event(one);
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    assertHec(after, 200, 0, "Success");

    hec.clear();
    assertEquals(0, hec.receivedCount());
    assertEquals(0, hec.requests().size());
  }
}
