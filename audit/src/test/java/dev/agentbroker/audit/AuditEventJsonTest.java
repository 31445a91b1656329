package dev.agentbroker.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditEventJsonTest {
  private static final Instant T = Instant.parse("2025-01-02T03:04:05.123456789Z");

  private static AuditEvent full() {
    Map<String, String> perms = new LinkedHashMap<>();
    perms.put("pull_requests", "write");
    perms.put("contents", "read");
    return AuditEvent.builder("token.issue", Outcomes.ALLOWED)
        .time(T)
        .reason("policy matched")
        .ruleId("rule-7")
        .issuer("https://issuer.example")
        .subject("agent-1")
        .identityId("id-1")
        .profile("ci")
        .owner("octo")
        .repositories(List.of("octo/a", "octo/b"))
        .permissions(perms)
        .tokenSha256(TokenHashes.sha256Hex("ghs_x"))
        .leaseId("lease-1")
        .expiresAt(T.plusSeconds(3600))
        .requestId("req-1")
        .clientIp("10.0.0.1")
        .latencyMs(12L)
        .severity("info")
        .details(Map.of("z", "last", "a", "first"))
        .build();
  }

  @Test
  void roundTripPreservesEveryField() {
    AuditEvent e = full();
    AuditEvent back = AuditEventJson.fromJson(AuditEventJson.toJson(e));
    assertEquals(e, back);
    assertEquals(AuditEventJson.toJson(e), AuditEventJson.toJson(back));
  }

  @Test
  void usesSnakeCaseInStableOrderWithSortedMaps() {
    String json = AuditEventJson.toJson(full());
    String[] names = {
      "schema_version",
      "event_id",
      "time",
      "action",
      "outcome",
      "reason",
      "rule_id",
      "issuer",
      "subject",
      "identity_id",
      "profile",
      "owner",
      "repositories",
      "permissions",
      "token_sha256",
      "lease_id",
      "expires_at",
      "request_id",
      "client_ip",
      "latency_ms",
      "severity",
      "details"
    };
    int last = -1;
    for (String name : names) {
      int at = json.indexOf("\"" + name + "\":");
      assertTrue(at > last, name + " missing or out of order in " + json);
      last = at;
    }
    assertTrue(
        json.contains("\"permissions\":{\"contents\":\"read\",\"pull_requests\":\"write\"}"));
    assertTrue(json.contains("\"details\":{\"a\":\"first\",\"z\":\"last\"}"));
    assertTrue(json.contains("\"time\":\"2025-01-02T03:04:05.123456789Z\""));
    assertFalse(json.contains("\n"));
  }

  @Test
  void omitsNulls() {
    AuditEvent e = AuditEvent.builder("token.deny", Outcomes.DENIED).time(T).build();
    String json = AuditEventJson.toJson(e);
    assertFalse(json.contains("null"), json);
    assertFalse(json.contains("reason"), json);
    assertTrue(json.startsWith("{\"schema_version\":1,\"event_id\":\"" + e.eventId() + "\""));
    assertEquals(e, AuditEventJson.fromJson(json));
  }

  @Test
  void builderFillsSchemaAndRandomIdButRequiresTime() {
    AuditEvent a = AuditEvent.builder("x", Outcomes.ERROR).time(T).build();
    AuditEvent b = AuditEvent.builder("x", Outcomes.ERROR).time(T).build();
    assertEquals(AuditEvent.SCHEMA_VERSION, a.schemaVersion());
    assertFalse(a.eventId().equals(b.eventId()));
    assertThrows(NullPointerException.class, () -> AuditEvent.builder("x", "y").build());
  }

  @Test
  void rejectsRawTokenInHashFieldWithoutEchoingIt() {
    IllegalArgumentException ex =
        assertThrows(
            IllegalArgumentException.class,
            () -> AuditEvent.builder("x", "y").time(T).tokenSha256("ghs_rawtoken123").build());
    assertFalse(ex.getMessage().contains("ghs_rawtoken123"));
  }

  @Test
  void sha256HexMatchesKnownVector() {
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        TokenHashes.sha256Hex("abc"));
  }

  @Test
  void malformedJsonIsRejectedWithoutEchoingContent() {
    IllegalArgumentException ex =
        assertThrows(
            IllegalArgumentException.class, () -> AuditEventJson.fromJson("{\"secretvalue"));
    assertFalse(ex.getMessage().contains("secretvalue"));
    assertThrows(
        IllegalArgumentException.class,
        () -> AuditEventJson.fromJson("{\"schema_version\":1,\"action\":\"a\"}"));
  }
}
