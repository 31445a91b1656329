package dev.agentbroker.broker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.Violation;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one renderer: exact problem documents and headers, whichever route refused. */
class ResponsesTest {
  @Test
  void aRefusalIsAProblemDocumentWithItsHeaders() {
    ProblemException p =
        Responses.refusal(
            ErrorCode.RATE_LIMITED,
            "rate_limited",
            "slow down",
            List.of(new Violation("/owner", "must be a string")),
            Optional.of(Duration.ofMillis(1500)),
            Map.of("RateLimit-Limit", "3"));
    Response r = Responses.problem(p, "req-1");
    assertEquals(ErrorCode.RATE_LIMITED.status(), r.getStatus());
    assertEquals(Responses.PROBLEM_JSON, r.getMediaType().toString());
    assertEquals(
        "{\"type\":\"urn:agent-broker:problem:rate_limited\",\"title\":\""
            + ErrorCode.RATE_LIMITED.title()
            + "\",\"status\":"
            + ErrorCode.RATE_LIMITED.status()
            + ",\"code\":\"rate_limited\",\"reason\":\"rate_limited\",\"detail\":\"slow down\","
            + "\"instance\":\"urn:agent-broker:request:req-1\","
            + "\"violations\":[{\"field\":\"/owner\",\"message\":\"must be a string\"}]}",
        r.getEntity());
    // Whole seconds, never rounded to 0; the outcome's own headers pass through.
    assertEquals("1", r.getHeaderString("Retry-After"));
    assertEquals("3", r.getHeaderString("RateLimit-Limit"));
    assertEquals("no-store", r.getHeaderString("Cache-Control"));
    assertNull(r.getHeaderString("WWW-Authenticate"));
  }

  @Test
  void unauthenticatedAsksForABearerTokenAndOmitsWhatIsAbsent() {
    Response r =
        Responses.problem(
            new ProblemException(ErrorCode.UNAUTHENTICATED, "missing_token", null), null);
    assertEquals(401, r.getStatus());
    assertEquals("Bearer", r.getHeaderString("WWW-Authenticate"));
    assertNull(r.getHeaderString("Retry-After"));
    assertEquals(
        "{\"type\":\"urn:agent-broker:problem:unauthenticated\",\"title\":\""
            + ErrorCode.UNAUTHENTICATED.title()
            + "\",\"status\":401,\"code\":\"unauthenticated\",\"reason\":\"missing_token\"}",
        r.getEntity());
  }

  @Test
  void aSuccessIsUncachedJson() {
    Response r = Responses.json(201, "{\"a\":1}", Map.of("RateLimit-Remaining", "2"));
    assertEquals(201, r.getStatus());
    assertEquals("application/json", r.getMediaType().toString());
    assertEquals("{\"a\":1}", r.getEntity());
    assertEquals("2", r.getHeaderString("RateLimit-Remaining"));
    assertEquals("no-store", r.getHeaderString("Cache-Control"));
  }
}
