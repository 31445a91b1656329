package dev.agentbroker.testkit.hec;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event the receiver accepted (indexed), with its HEC envelope metadata.
 *
 * @param time envelope {@code time} as sent (epoch seconds, possibly fractional), or null
 * @param host envelope {@code host}, or null
 * @param source envelope {@code source}, or null
 * @param sourcetype envelope {@code sourcetype}, or null
 * @param index envelope {@code index}, or null
 * @param event the {@code event} value
 * @param channel the request channel, or null
 */
public record ReceivedEvent(
    String time,
    String host,
    String source,
    String sourcetype,
    String index,
    JsonNode event,
    String channel) {

  /** The {@code event_id} field of an object event, or null. */
  public String eventId() {
    JsonNode id = event.get("event_id");
    return id == null || !id.isTextual() ? null : id.asText();
  }
}
