package dev.agentbroker.audit.hec.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.audit.JournalRecord;
import dev.agentbroker.audit.hec.HecConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Builds one HEC event envelope per journal record: {@code {"time":<epoch s.mmm>,"host",
 * "source","sourcetype","index","event":{<journal event JSON>,"seq","prev_hash","hash"}}}.
 *
 * <p>The event JSON is spliced verbatim (not re-serialized) so Splunk holds the same bytes that
 * were hashed, minus the three appended chain fields, and {@code event_id} stays the dedupe key.
 */
public final class Envelope {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TIME_KEY = "\"time\":\"";

  private final String metadata;

  public Envelope(HecConfig config) {
    StringBuilder sb = new StringBuilder();
    append(sb, "host", config.host());
    append(sb, "source", config.source());
    append(sb, "sourcetype", config.sourcetype());
    append(sb, "index", config.index());
    this.metadata = sb.toString();
  }

  private static void append(StringBuilder sb, String key, String value) {
    if (value == null) {
      return;
    }
    try {
      sb.append(",\"").append(key).append("\":").append(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The serialized envelope for {@code record}. */
  public byte[] encode(JournalRecord record) {
    String event = record.eventJson();
    StringBuilder sb = new StringBuilder(event.length() + metadata.length() + 200);
    sb.append("{\"time\":").append(epochSeconds(eventTime(record))).append(metadata);
    sb.append(",\"event\":").append(event, 0, event.length() - 1);
    sb.append(",\"seq\":").append(record.sequence());
    sb.append(",\"prev_hash\":\"").append(record.prevHash()).append('"');
    sb.append(",\"hash\":\"").append(record.hash()).append("\"}}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Event time of a record (canonical JSON puts it third, after schema_version and event_id). */
  public static Instant eventTime(JournalRecord record) {
    String json = record.eventJson();
    int start = json.indexOf(TIME_KEY);
    if (start >= 0) {
      int from = start + TIME_KEY.length();
      int end = json.indexOf('"', from);
      try {
        return Instant.parse(json.substring(from, end));
      } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
        // fall through to a full parse
      }
    }
    return record.event().time();
  }

  /** Epoch seconds with millisecond decimals, as HEC's {@code time} expects. */
  static String epochSeconds(Instant t) {
    long millis = t.toEpochMilli();
    long seconds = Math.floorDiv(millis, 1000);
    long rest = Math.floorMod(millis, 1000);
    return seconds + "." + (rest < 10 ? "00" : rest < 100 ? "0" : "") + rest;
  }
}
