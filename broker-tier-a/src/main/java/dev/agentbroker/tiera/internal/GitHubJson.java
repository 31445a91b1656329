package dev.agentbroker.tiera.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON helpers for GitHub bodies. */
public final class GitHubJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_MESSAGE = 300;

  private GitHubJson() {}

  /** GitHub's {@code message} field, trimmed; null when absent or unparsable. */
  public static String message(String body) {
    if (body == null || body.isEmpty()) {
      return null;
    }
    try {
      JsonNode n = MAPPER.readTree(body);
      JsonNode m = n == null ? null : n.get("message");
      if (m == null || !m.isTextual()) {
        return null;
      }
      String s = m.asText();
      return s.length() > MAX_MESSAGE ? s.substring(0, MAX_MESSAGE) : s;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  public static JsonNode parse(String body) throws JsonProcessingException {
    return MAPPER.readTree(body);
  }
}
