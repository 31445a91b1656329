package dev.agentbroker.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Canonical JSON for {@link AuditEvent}: snake_case names in record-component order, nulls omitted,
 * map keys sorted, instants as ISO-8601 UTC. The output is what the journal hashes, so it is
 * written field by field rather than via reflection to keep it stable across Jackson versions.
 */
public final class AuditEventJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private AuditEventJson() {}

  /** Serializes to a single line of canonical JSON. */
  public static String toJson(AuditEvent e) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("schema_version", e.schemaVersion());
      g.writeStringField("event_id", e.eventId());
      g.writeStringField("time", e.time().toString());
      g.writeStringField("action", e.action());
      g.writeStringField("outcome", e.outcome());
      str(g, "reason", e.reason());
      str(g, "rule_id", e.ruleId());
      str(g, "issuer", e.issuer());
      str(g, "subject", e.subject());
      str(g, "identity_id", e.identityId());
      str(g, "profile", e.profile());
      str(g, "owner", e.owner());
      if (e.repositories() != null) {
        g.writeArrayFieldStart("repositories");
        for (String repo : e.repositories()) {
          g.writeString(repo);
        }
        g.writeEndArray();
      }
      map(g, "permissions", e.permissions());
      str(g, "token_sha256", e.tokenSha256());
      str(g, "hashed_token", e.hashedToken());
      str(g, "lease_id", e.leaseId());
      if (e.expiresAt() != null) {
        g.writeStringField("expires_at", e.expiresAt().toString());
      }
      str(g, "request_id", e.requestId());
      str(g, "client_ip", e.clientIp());
      if (e.latencyMs() != null) {
        g.writeNumberField("latency_ms", e.latencyMs());
      }
      str(g, "severity", e.severity());
      map(g, "details", e.details());
      g.writeEndObject();
    } catch (IOException ex) {
      // StringWriter cannot fail; this is unreachable in practice.
      throw new UncheckedIOException(ex);
    }
    return out.toString();
  }

  private static void str(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private static void map(JsonGenerator g, String name, Map<String, String> value)
      throws IOException {
    if (value != null) {
      g.writeObjectFieldStart(name);
      for (Map.Entry<String, String> entry : value.entrySet()) {
        g.writeStringField(entry.getKey(), entry.getValue());
      }
      g.writeEndObject();
    }
  }

  /**
   * Parses event JSON. Unknown fields are ignored so older readers tolerate newer writers.
   *
   * @throws IllegalArgumentException if the JSON is malformed or a field has the wrong type; the
   *     message names the field but never echoes values
   */
  public static AuditEvent fromJson(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException ex) {
      // Only the position is reported: the parser's own message may quote event content.
      throw new IllegalArgumentException(
          "malformed audit event JSON at line "
              + ex.getLocation().getLineNr()
              + " column "
              + ex.getLocation().getColumnNr());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("audit event JSON must be an object");
    }
    JsonNode version = root.get("schema_version");
    if (version == null || !version.canConvertToInt() || !version.isIntegralNumber()) {
      throw new IllegalArgumentException("schema_version missing or not an integer");
    }
    JsonNode latency = root.get("latency_ms");
    if (latency != null && !latency.isIntegralNumber()) {
      throw new IllegalArgumentException("latency_ms must be an integer");
    }
    return AuditEvent.builder(required(root, "action"), required(root, "outcome"))
        .schemaVersion(version.intValue())
        .eventId(required(root, "event_id"))
        .time(instant(root, "time", true))
        .reason(text(root, "reason"))
        .ruleId(text(root, "rule_id"))
        .issuer(text(root, "issuer"))
        .subject(text(root, "subject"))
        .identityId(text(root, "identity_id"))
        .profile(text(root, "profile"))
        .owner(text(root, "owner"))
        .repositories(list(root, "repositories"))
        .permissions(map(root, "permissions"))
        .tokenSha256(text(root, "token_sha256"))
        .hashedToken(text(root, "hashed_token"))
        .leaseId(text(root, "lease_id"))
        .expiresAt(instant(root, "expires_at", false))
        .requestId(text(root, "request_id"))
        .clientIp(text(root, "client_ip"))
        .latencyMs(latency == null ? null : latency.longValue())
        .severity(text(root, "severity"))
        .details(map(root, "details"))
        .build();
  }

  private static String required(JsonNode root, String name) {
    String value = text(root, name);
    if (value == null) {
      throw new IllegalArgumentException("audit event JSON lacks required field " + name);
    }
    return value;
  }

  private static String text(JsonNode root, String name) {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException(name + " must be a string");
    }
    return node.textValue();
  }

  private static Instant instant(JsonNode root, String name, boolean isRequired) {
    String value = isRequired ? required(root, name) : text(root, name);
    try {
      return value == null ? null : Instant.parse(value);
    } catch (DateTimeParseException ex) {
      throw new IllegalArgumentException(name + " is not an ISO-8601 instant");
    }
  }

  private static List<String> list(JsonNode root, String name) {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(name + " must be an array");
    }
    List<String> out = new ArrayList<>(node.size());
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw new IllegalArgumentException(name + " must contain only strings");
      }
      out.add(item.textValue());
    }
    return out;
  }

  private static Map<String, String> map(JsonNode root, String name) {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(name + " must be an object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!entry.getValue().isTextual()) {
        throw new IllegalArgumentException(name + " values must be strings");
      }
      out.put(entry.getKey(), entry.getValue().textValue());
    }
    return out;
  }
}
