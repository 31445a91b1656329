package dev.agentbroker.testkit.hec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

/** Routes and answers HEC requests the way Splunk documents them. */
final class HecHandler implements HttpHandler {
  static final String EVENT = "/services/collector/event";
  static final String ACK = "/services/collector/ack";
  static final String HEALTH = "/services/collector/health";

  // Big decimals keep an envelope's "time" exactly as sent (1748779200.042, not 1.748779200042E9).
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final HecReceiverSettings settings;
  private final HecFaults faults;
  private final EventStore store;
  private final AckLedger acks;

  HecHandler(HecReceiverSettings settings, HecFaults faults, EventStore store, AckLedger acks) {
    this.settings = settings;
    this.faults = faults;
    this.store = store;
    this.acks = acks;
  }

  /** A rejected request: status plus Splunk's {@code {"text","code"}} body. */
  private record Reply(int status, int code, String text, Integer invalidEvent) {
    static Reply of(int status, int code, String text) {
      return new Reply(status, code, text, null);
    }
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    try (ex) {
      if (faults.isDown()) {
        drop(ex, path);
        return;
      }
      sleep(faults.latency());
      if (path.equals(HEALTH)) {
        answer(ex, path, 200, body(17, "HEC is healthy", null), 0);
      } else if (path.equals(EVENT) || path.equals("/services/collector")) {
        event(ex, path);
      } else if (path.equals(ACK)) {
        ack(ex, path);
      } else {
        answer(
            ex, path, 404, body(404, "The requested URL was not found on this server.", null), 0);
      }
    }
  }

  private void event(HttpExchange ex, String path) throws IOException {
    if (faults.takeDrop()) {
      drop(ex, path);
      return;
    }
    Reply rejected = authenticate(ex);
    String channel = channel(ex);
    if (rejected == null && settings.acks() && channel == null) {
      rejected = Reply.of(400, 10, "Data channel is missing");
    }
    if (rejected == null && channel != null && !isUuid(channel)) {
      rejected = Reply.of(400, 11, "Invalid data channel");
    }
    if (rejected == null && faults.takeBusy()) {
      rejected = Reply.of(503, 9, "Server is busy");
    }
    if (rejected == null && faults.takeInvalid()) {
      rejected = new Reply(400, 6, "Invalid data format", 0);
    }
    byte[] raw = ex.getRequestBody().readAllBytes();
    boolean gzip = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"));
    List<ReceivedEvent> events = new ArrayList<>();
    if (rejected == null) {
      rejected = parse(raw, gzip, channel, events);
    }
    if (rejected != null) {
      store.log(new HecRequest(path, rejected.status, rejected.code, 0, gzip, raw.length, channel));
      if (rejected.code < 0) {
        sendText(ex, rejected.status, rejected.text);
      } else {
        send(ex, rejected.status, body(rejected.code, rejected.text, rejected.invalidEvent));
      }
      return;
    }
    boolean lost = settings.acks() && faults.takeLoseAck();
    if (!lost) {
      store.record(events);
    }
    if (faults.takeDropAfterRecord()) {
      store.log(new HecRequest(path, -1, -1, events.size(), gzip, raw.length, channel));
      ex.close();
      return;
    }
    ObjectNode ok = body(0, "Success", null);
    if (settings.acks()) {
      ok.put("ackId", acks.issue(channel, !lost));
    }
    store.log(new HecRequest(path, 200, 0, events.size(), gzip, raw.length, channel));
    send(ex, 200, ok);
  }

  private Reply parse(byte[] raw, boolean gzip, String channel, List<ReceivedEvent> out) {
    byte[] bytes;
    try {
      bytes = gzip ? gunzip(raw) : raw;
    } catch (IOException e) {
      return Reply.of(400, 6, "Invalid data format");
    }
    if (bytes.length > settings.maxContentLength()) {
      // splunkd answers this one in plain text, not the {"text","code"} JSON.
      return Reply.of(
          413,
          -1,
          "Content-Length of "
              + bytes.length
              + " too large (maximum is "
              + settings.maxContentLength()
              + ")");
    }
    int n = 0;
    try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(bytes)) {
      while (true) {
        boolean more;
        try {
          more = it.hasNextValue();
        } catch (JsonProcessingException e) {
          return new Reply(400, 6, "Invalid data format", n);
        }
        if (!more) {
          break;
        }
        JsonNode node;
        try {
          node = it.nextValue();
        } catch (JsonProcessingException e) {
          return new Reply(400, 6, "Invalid data format", n);
        }
        Reply bad = validate(node, n);
        if (bad != null) {
          return bad;
        }
        out.add(toEvent(node, channel));
        n++;
      }
    } catch (IOException e) {
      return new Reply(400, 6, "Invalid data format", n);
    }
    return n == 0 ? Reply.of(400, 5, "No data") : null;
  }

  private Reply validate(JsonNode node, int n) {
    if (!node.isObject()) {
      return new Reply(400, 6, "Invalid data format", n);
    }
    JsonNode event = node.get("event");
    if (event == null) {
      return new Reply(400, 12, "Event field is required", n);
    }
    if (event.isNull() || (event.isTextual() && event.asText().isBlank())) {
      return new Reply(400, 13, "Event field cannot be blank", n);
    }
    JsonNode time = node.get("time");
    if (time != null && !time.isNumber() && !isNumeric(time)) {
      return new Reply(400, 6, "Invalid data format", n);
    }
    JsonNode index = node.get("index");
    if (index != null
        && !settings.indexes().isEmpty()
        && !settings.indexes().contains(index.asText())) {
      return new Reply(400, 7, "Incorrect index", n);
    }
    return null;
  }

  private static boolean isNumeric(JsonNode time) {
    return time.isTextual() && time.asText().matches("\\d+(\\.\\d+)?");
  }

  private static ReceivedEvent toEvent(JsonNode node, String channel) {
    return new ReceivedEvent(
        text(node, "time"),
        text(node, "host"),
        text(node, "source"),
        text(node, "sourcetype"),
        text(node, "index"),
        node.get("event"),
        channel);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    return v.isBigDecimal() ? v.decimalValue().toPlainString() : v.asText();
  }

  private void ack(HttpExchange ex, String path) throws IOException {
    Reply rejected = authenticate(ex);
    String channel = channel(ex);
    if (rejected == null && !settings.acks()) {
      rejected = Reply.of(400, 14, "ACK is disabled");
    }
    if (rejected == null && channel == null) {
      rejected = Reply.of(400, 10, "Data channel is missing");
    }
    JsonNode ids = null;
    if (rejected == null) {
      try {
        ids = JSON.readTree(ex.getRequestBody().readAllBytes()).get("acks");
      } catch (IOException e) {
        ids = null;
      }
      if (ids == null || !ids.isArray()) {
        rejected = Reply.of(400, 6, "Invalid data format");
      }
    }
    if (rejected != null) {
      answer(ex, path, rejected.status, body(rejected.code, rejected.text, null), 0);
      return;
    }
    ObjectNode result = JSON.createObjectNode();
    ObjectNode map = result.putObject("acks");
    for (JsonNode id : ids) {
      map.put(id.asText(), acks.query(channel, id.asLong()));
    }
    answer(ex, path, 200, result, 0);
  }

  /** Token from {@code Authorization: Splunk <token>}; compared in constant time. */
  private Reply authenticate(HttpExchange ex) {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth == null || auth.isBlank()) {
      return Reply.of(401, 2, "Token is required");
    }
    if (!auth.regionMatches(true, 0, "Splunk ", 0, 7)) {
      return Reply.of(401, 3, "Invalid authorization");
    }
    byte[] given = auth.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    byte[] expected = settings.token().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, expected) ? null : Reply.of(403, 4, "Invalid token");
  }

  private static String channel(HttpExchange ex) {
    String header = ex.getRequestHeaders().getFirst("X-Splunk-Request-Channel");
    if (header != null && !header.isBlank()) {
      return header.trim();
    }
    URI uri = ex.getRequestURI();
    String query = uri.getRawQuery();
    if (query != null) {
      for (String part : query.split("&")) {
        if (part.startsWith("channel=")) {
          return part.substring(8);
        }
      }
    }
    return null;
  }

  private static boolean isUuid(String s) {
    try {
      return UUID.fromString(s).toString().equalsIgnoreCase(s);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] gunzip(byte[] raw) throws IOException {
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
      in.transferTo(out);
      return out.toByteArray();
    }
  }

  private static ObjectNode body(int code, String text, Integer invalidEvent) {
    ObjectNode n = JSON.createObjectNode();
    n.put("text", text);
    n.put("code", code);
    if (invalidEvent != null) {
      n.put("invalid-event-number", invalidEvent);
    }
    return n;
  }

  private void answer(HttpExchange ex, String path, int status, JsonNode body, int events)
      throws IOException {
    if (!path.equals(EVENT) && !path.equals("/services/collector")) {
      int code = body.has("code") ? body.get("code").asInt() : -1;
      store.log(new HecRequest(path, status, code, events, false, 0, channel(ex)));
    }
    send(ex, status, body);
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sendText(HttpExchange ex, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=UTF-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Closing before sendResponseHeaders makes the JDK server drop the connection. */
  private void drop(HttpExchange ex, String path) {
    store.log(new HecRequest(path, -1, -1, 0, false, 0, null));
    ex.close();
  }

  private static void sleep(java.time.Duration d) {
    if (d.isZero()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
