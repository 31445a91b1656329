package dev.agentbroker.egress.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.egress.EgressDecision;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The proxy's decision lines are the broker's canonical line, with the journal's outcome words. */
class DecisionLineTest {
  private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void aDenialIsOneCanonicalLine() {
    EgressDecision d =
        new EgressDecision(
            "c1",
            T,
            "egress.connect",
            "denied",
            "host_not_allowed",
            403,
            "10.20.0.5",
            "-",
            "CONNECT",
            "example.com",
            443,
            "-",
            "-",
            0,
            0,
            1);
    assertEquals(
        "action=egress.connect outcome=denied reason=host_not_allowed id=c1 status=403"
            + " src=10.20.0.5 user=- method=CONNECT host=example.com port=443 addr=- group=-"
            + " latency_ms=1",
        DecisionSink.line(d));
  }

  @Test
  void aCloseCarriesBytesAndDuration() {
    EgressDecision d =
        new EgressDecision(
            "c2",
            T,
            "egress.close",
            "allowed",
            "client_closed",
            0,
            "10.20.0.5",
            "agent-1",
            "CONNECT",
            "github.com",
            443,
            "140.82.112.3",
            "github",
            10,
            20,
            30);
    assertEquals(
        "action=egress.close outcome=allowed reason=client_closed id=c2 src=10.20.0.5"
            + " user=agent-1 method=CONNECT host=github.com port=443 addr=140.82.112.3"
            + " group=github bytes_up=10 bytes_down=20 duration_ms=30",
        DecisionSink.line(d));
  }

  @Test
  void aHostileHostCannotForgeFieldsAndIsBounded() {
    String host = "a b=c\nforged=1" + "x".repeat(300);
    EgressDecision d =
        new EgressDecision(
            "c3",
            T,
            "egress.connect",
            "denied",
            "bad_request",
            400,
            "10.0.0.1",
            "-",
            "GET",
            host,
            80,
            "-",
            "-",
            0,
            0,
            0);
    String line = DecisionSink.line(d);
    assertTrue(line.contains("host=\"a b=c forged=1x"), line);
    assertTrue(line.length() < 400, "host is capped at 100 characters: " + line.length());
  }
}
