package dev.agentbroker.tierb.breakglass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.tierb.verbs.VerbInputException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BreakGlassRequestTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void parsesATokenRequest() throws Exception {
    BreakGlassRequest r =
        BreakGlassRequest.parse(
            JSON.readTree(
                "{\"kind\":\"installation-token\",\"owner\":\"acme\",\"permissions\":"
                    + "{\"administration\":\"write\"},\"justification\":\"  INC-1 outage  \","
                    + "\"duration_minutes\":20}"));
    Elevation.InstallationWideToken t =
        assertInstanceOf(Elevation.InstallationWideToken.class, r.elevation());
    assertEquals("write", t.permissions().get("administration"));
    assertEquals("INC-1 outage", r.justification());
    assertEquals(Duration.ofMinutes(20), r.duration());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no kind|{\"owner\":\"acme\"}|kind",
        "unknown member|{\"kind\":\"installation-token\",\"owner\":\"acme\",\"permissions\":{\"contents\":\"read\"},\"justification\":\"long enough text\",\"duration_minutes\":5,\"admin\":true}|admin",
        "unknown permission|{\"kind\":\"installation-token\",\"owner\":\"acme\",\"permissions\":{\"contentz\":\"read\"},\"justification\":\"long enough text\",\"duration_minutes\":5}|permissions.contentz",
        "no permissions|{\"kind\":\"installation-token\",\"owner\":\"acme\",\"permissions\":{},\"justification\":\"long enough text\",\"duration_minutes\":5}|permissions",
        "short justification|{\"kind\":\"installation-token\",\"owner\":\"acme\",\"permissions\":{\"contents\":\"read\"},\"justification\":\"why\",\"duration_minutes\":5}|justification",
        "over an hour|{\"kind\":\"installation-token\",\"owner\":\"acme\",\"permissions\":{\"contents\":\"read\"},\"justification\":\"long enough text\",\"duration_minutes\":61}|duration_minutes",
        "verb not in catalog|{\"kind\":\"verb\",\"verb\":\"delete-repo\",\"params\":{},\"justification\":\"long enough text\",\"duration_minutes\":5}|verb",
        "verb schema still applies|{\"kind\":\"verb\",\"verb\":\"create-repo\",\"params\":{\"owner\":\"acme\",\"name\":\"x\",\"visibility\":\"public\"},\"justification\":\"long enough text\",\"duration_minutes\":5}|params/visibility",
        "no dry run|{\"kind\":\"verb\",\"verb\":\"create-repo\",\"params\":{\"owner\":\"acme\",\"name\":\"abc\",\"dry_run\":true},\"justification\":\"long enough text\",\"duration_minutes\":5}|params.dry_run",
      })
  void refusesBadInput(String name, String body, String field) throws Exception {
    VerbInputException e =
        assertThrows(VerbInputException.class, () -> BreakGlassRequest.parse(JSON.readTree(body)));
    assertTrue(
        e.violations().stream().anyMatch(v -> v.field().equals(field)),
        name + ": " + e.violations());
  }
}
