package dev.agentbroker.broker.verbs.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.broker.http.HttpInputs;
import dev.agentbroker.broker.http.ProblemException;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.tierb.verbs.PlannedCall;
import dev.agentbroker.tierb.verbs.Verb;
import dev.agentbroker.tierb.verbs.VerbCall;
import dev.agentbroker.tierb.verbs.VerbCatalog;
import dev.agentbroker.tierb.verbs.VerbInputException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Fuzz target for {@code POST /verbs/{verb}} bodies: the shared JSON reader ({@link HttpInputs})
 * then the verb's own schema check, as {@code VerbsResource} and {@code VerbService} run them.
 * Input: the verb name on the first line, the body after it. Contract: a body is a 400 {@code
 * invalid_request} problem, a {@link VerbInputException} listing violations, or a {@link VerbCall}
 * whose normalised parameters parse to the same call (idempotent) and whose plan is a list of
 * non-destructive GitHub calls on clean paths of the named owner. Seeds: {@code
 * VerbBodyFuzzTestInputs/parse/}.
 */
class VerbBodyFuzzTest {
  private static final int MAX_BODY = 64 * 1024; // VerbsResource.MAX_BODY
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH");
  private static final Pattern CLEAN_PATH = Pattern.compile("(/[A-Za-z0-9._-]+)+");
  private static final Set<String> REASONS =
      Set.of("empty_body", "body_too_large", "malformed_json");

  @FuzzTest
  @DictionaryEntries({
    "create-repo",
    "set-repo-metadata",
    "grant-team-access",
    "apply-branch-protection",
    "\"owner\":\"acme\"",
    "\"repo\":",
    "\"name\":",
    "\"team\":",
    "\"permission\":",
    "\"visibility\":\"private\"",
    "\"topics\":[",
    "\"branch\":\"main\"",
    "\"dry_run\":true",
    "\"description\":",
    "\"homepage\":"
  })
  void parse(byte[] input) throws Exception {
    int nl = indexOf(input, (byte) '\n');
    String name = new String(input, 0, Math.max(nl, 0), StandardCharsets.UTF_8);
    byte[] body = nl < 0 ? new byte[0] : Arrays.copyOfRange(input, nl + 1, input.length);
    JsonNode json;
    try {
      json = HttpInputs.jsonObject(body, MAX_BODY);
    } catch (ProblemException e) {
      assertEquals(ErrorCode.INVALID_REQUEST, e.code());
      assertTrue(REASONS.contains(e.reason()), e.reason());
      return;
    }
    Optional<Verb> found = VerbCatalog.find(name);
    if (found.isEmpty()) {
      return; // 404 unknown_verb, decided before the body is read
    }
    Verb verb = found.get();
    VerbCall call;
    try {
      call = verb.parse(json);
    } catch (VerbInputException e) {
      assertFalse(e.violations().isEmpty(), "a refusal lists its violations");
      return;
    }
    assertEquals(verb.name(), call.verb());
    assertTrue(call.owner().matches("[A-Za-z0-9][A-Za-z0-9-]{0,38}"), call.owner());
    ObjectNode normalised = call.params().deepCopy();
    if (call.dryRun()) {
      normalised.put("dry_run", true);
    }
    try {
      VerbCall again = verb.parse(normalised);
      assertEquals(call.owner(), again.owner());
      assertEquals(call.repository(), again.repository());
      assertEquals(call.policyParams(), again.policyParams());
      assertEquals(call.params(), again.params(), "normalisation is idempotent");
    } catch (VerbInputException e) {
      fail("normalised parameters are refused: " + e.violations());
    }
    List<PlannedCall> plan = verb.plan(call);
    assertFalse(plan.isEmpty());
    for (PlannedCall c : plan) {
      assertTrue(METHODS.contains(c.method()), () -> "non-destructive method: " + c);
      String path = c.path();
      assertTrue(CLEAN_PATH.matcher(path).matches(), () -> "clean path: " + path);
      assertFalse(path.contains("/../") || path.endsWith("/..") || path.contains("/./"), path);
      assertTrue(
          path.contains("/" + call.owner() + "/") || path.endsWith("/" + call.owner()),
          () -> "acts on the named owner: " + path);
    }
  }

  private static int indexOf(byte[] b, byte x) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }
}
