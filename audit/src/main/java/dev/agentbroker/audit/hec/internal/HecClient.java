package dev.agentbroker.audit.hec.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.audit.hec.HecConfig;
import dev.agentbroker.audit.hec.HecHealth;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** The three HEC exchanges the shipper uses: send events, query acks, check health. */
public final class HecClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HecConfig config;
  private final HttpClient http;
  private final String authorization;
  private final URI eventUri;
  private final URI ackUri;
  private final URI healthUri;

  /**
   * An HEC answer.
   *
   * @param status HTTP status
   * @param code HEC code from the body, or -1
   * @param text HEC text (or a short body excerpt), token-free
   * @param ackId ack id from a 200 with acks on, or -1
   * @param retryAfter Retry-After header, or null
   */
  public record Answer(int status, int code, String text, long ackId, Duration retryAfter) {}

  public HecClient(HecConfig config) throws IOException {
    this.config = config;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.connectTimeout());
    if (config.trustStore() != null) {
      b.sslContext(
          TlsContexts.trusting(
              config.trustStore(), config.trustStorePassword(), config.trustStoreType()));
    }
    this.http = b.build();
    this.authorization = "Splunk " + config.token();
    String base = config.url().toString().replaceAll("/+$", "");
    this.eventUri = URI.create(base + "/services/collector/event");
    this.ackUri = URI.create(base + "/services/collector/ack?channel=" + config.channel());
    this.healthUri = URI.create(base + "/services/collector/health");
  }

  /** Builds the request body for a batch of envelopes (gzip'd if configured). */
  public byte[] payload(List<byte[]> envelopes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    if (config.gzip()) {
      try (GZIPOutputStream gz = new FastGzip(out)) {
        for (byte[] e : envelopes) {
          gz.write(e);
        }
      }
    } else {
      for (byte[] e : envelopes) {
        out.write(e);
      }
    }
    return out.toByteArray();
  }

  /** Fastest deflate level: audit JSON still shrinks ~5-8× and the CPU stays free for minting. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(ByteArrayOutputStream out) throws IOException {
      super(out, 8192);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  /** POSTs a payload from {@link #payload}; I/O errors propagate so the caller retries. */
  public Answer send(byte[] payload) throws IOException, InterruptedException {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(eventUri)
            .timeout(config.requestTimeout())
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
    if (config.gzip()) {
      req.header("Content-Encoding", "gzip");
    }
    if (config.ack()) {
      req.header("X-Splunk-Request-Channel", config.channel().toString());
    }
    return answer(http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray()));
  }

  /** Asks whether {@code ackId} is indexed; Splunk answers true exactly once per id. */
  public boolean acknowledged(long ackId) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(ackUri)
            .timeout(config.requestTimeout())
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .header("X-Splunk-Request-Channel", config.channel().toString())
            .POST(HttpRequest.BodyPublishers.ofString("{\"acks\":[" + ackId + "]}"))
            .build();
    HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    if (resp.statusCode() != 200) {
      Answer a = answer(resp);
      throw new IOException("ack query: HTTP " + a.status() + " code " + a.code() + " " + a.text());
    }
    JsonNode acks = JSON.readTree(resp.body()).path("acks");
    return acks.path(Long.toString(ackId)).asBoolean(false);
  }

  public HecHealth health() {
    long start = System.nanoTime();
    try {
      HttpRequest req =
          HttpRequest.newBuilder(healthUri).timeout(config.requestTimeout()).GET().build();
      Answer a = answer(http.send(req, HttpResponse.BodyHandlers.ofByteArray()));
      return new HecHealth(
          a.status() == 200,
          a.status(),
          a.code(),
          a.text(),
          Duration.ofNanos(System.nanoTime() - start));
    } catch (IOException e) {
      return new HecHealth(
          false, -1, -1, e.getClass().getSimpleName(), Duration.ofNanos(System.nanoTime() - start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new HecHealth(
          false, -1, -1, "interrupted", Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private Answer answer(HttpResponse<byte[]> resp) {
    int code = -1;
    long ackId = -1;
    String text;
    try {
      JsonNode body = JSON.readTree(resp.body());
      code = body.path("code").asInt(-1);
      text = body.path("text").asText("");
      if (body.has("invalid-event-number")) {
        text = text + " (invalid-event-number " + body.get("invalid-event-number").asInt() + ")";
      }
      ackId = body.path("ackId").asLong(-1);
    } catch (IOException | RuntimeException e) {
      // Not JSON (a proxy's HTML page, splunkd's plain-text 413): keep a short excerpt, redacted
      // before it is cut, or a token echoed across the cut would leave its prefix behind.
      String raw = redact(new String(resp.body(), StandardCharsets.UTF_8));
      text = raw.length() > 120 ? raw.substring(0, 120) : raw;
    }
    Duration retryAfter =
        resp.headers()
            .firstValue("Retry-After")
            .filter(v -> v.matches("\\d{1,6}"))
            .map(v -> Duration.ofSeconds(Long.parseLong(v)))
            .orElse(null);
    return new Answer(resp.statusCode(), code, redact(text), ackId, retryAfter);
  }

  /** Removes the token should a receiver or proxy ever echo it back. */
  public String redact(String text) {
    return text == null ? null : text.replace(config.token(), "<redacted>");
  }
}
