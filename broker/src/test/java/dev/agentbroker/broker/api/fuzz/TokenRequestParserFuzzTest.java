package dev.agentbroker.broker.api.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.broker.api.TokenRequestParser;
import dev.agentbroker.broker.http.ProblemException;
import dev.agentbroker.policy.TokenRequest;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.Violation;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Fuzz target for the {@code POST /token} body parser. Contract: any body yields a {@link
 * TokenRequest} or a 400 {@code invalid_request} problem with a stable reason (invalid fields name
 * each field by JSON pointer); nothing else is thrown; and an accepted request, written back as
 * JSON, parses to the same request (what policy evaluates is exactly what was sent). Seeds: {@code
 * TokenRequestParserFuzzTestInputs/parse/}.
 */
class TokenRequestParserFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> REASONS =
      Set.of("empty_body", "body_too_large", "malformed_json", "invalid_fields");

  @FuzzTest
  @DictionaryEntries({
    "\"owner\":",
    "\"repositories\":",
    "\"repository_ids\":",
    "\"permissions\":",
    "\"contents\":\"write\"",
    "\"metadata\":\"read\"",
    "\"administration\":\"write\"",
    "9223372036854775807",
    "1e3",
    "null"
  })
  void parse(byte[] body) throws Exception {
    TokenRequest r;
    try {
      r = TokenRequestParser.parse(body);
    } catch (ProblemException e) {
      assertEquals(ErrorCode.INVALID_REQUEST, e.code());
      assertTrue(REASONS.contains(e.reason()), e.reason());
      assertEquals(e.reason().equals("invalid_fields"), !e.violations().isEmpty());
      for (Violation v : e.violations()) {
        assertTrue(v.toString().contains("/"), () -> "violation names a JSON pointer: " + v);
      }
      return;
    }
    assertFalse(r.owner().isEmpty(), "owner is required");
    ObjectNode again = JSON.createObjectNode();
    again.put("owner", r.owner());
    r.repositories().forEach(again.putArray("repositories")::add);
    r.repositoryIds().forEach(again.putArray("repository_ids")::add);
    ObjectNode perms = again.putObject("permissions");
    for (Map.Entry<String, String> p : r.permissions().entrySet()) {
      perms.put(p.getKey(), p.getValue());
    }
    assertEquals(
        r,
        TokenRequestParser.parse(JSON.writeValueAsString(again).getBytes(StandardCharsets.UTF_8)),
        "round trip");
  }
}
