package dev.agentbroker.policy.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.Decision;
import dev.agentbroker.policy.PolicyCompiler;
import dev.agentbroker.policy.PolicyException;
import dev.agentbroker.policy.PolicyProblem;
import dev.agentbroker.policy.TokenRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Fuzz target for the policy YAML compiler (the parse path of {@code PolicyStore}). Contract: any
 * text yields a {@link CompiledPolicy} or a {@link PolicyException} listing at least one
 * well-formed problem; nothing else is thrown, compiling is deterministic, and a compiled policy
 * decides requests without throwing. Seeds: {@code PolicyCompilerFuzzTestInputs/compile/}.
 */
class PolicyCompilerFuzzTest {
  private static final String SOURCE = "fuzz.yaml";
  private static final List<Caller> CALLERS =
      List.of(
          Caller.of("https://bao.example.internal/v1/identity/oidc", "agent-launcher"),
          new Caller(
              "https://token.actions.githubusercontent.com",
              "repo:acme/release-tools:ref:refs/heads/main",
              Map.of("repository", "acme/release-tools", "ref", "refs/heads/main")));
  private static final List<TokenRequest> REQUESTS =
      List.of(
          new TokenRequest("acme", List.of("svc-a"), List.of(), Map.of("contents", "write")),
          new TokenRequest("acme", List.of(), List.of(123456L), Map.of("contents", "read")));

  @FuzzTest
  @DictionaryEntries({
    "version: 1",
    "identities:",
    "grants:",
    "profiles:",
    "verbs:",
    "egress:",
    "issuer:",
    "subject:",
    "claims:",
    "profile: autonomous",
    "owner: acme",
    "repositories:",
    "permissions:",
    "contents: write",
    "allowed_identities:",
    "rate: 3/hour",
    "params:",
    "groups:",
    "clients:",
    "cidr: 10.0.0.0/8",
    "&a",
    "*a",
    "!!str",
    "- ",
    "{",
    "}",
    "[",
    "]"
  })
  void compile(byte[] input) {
    // The store decodes strict UTF-8 first; lenient decoding here lets the fuzzer reach the
    // compiler with any text, including replacement characters.
    String yaml = new String(input, StandardCharsets.UTF_8);
    CompiledPolicy first = compileOrProblems(yaml);
    CompiledPolicy second = compileOrProblems(yaml);
    assertEquals(first == null, second == null, "compiling is deterministic");
    if (first == null) {
      return;
    }
    assertEquals(SOURCE, first.sourceName());
    assertEquals(first.sourceSha256(), second.sourceSha256());
    assertEquals(first.identities().toString(), second.identities().toString());
    for (Caller c : CALLERS) {
      for (TokenRequest r : REQUESTS) {
        Decision d = first.evaluate(c, r);
        assertNotNull(d, "evaluate answers every well-formed request");
        assertEquals(d, second.evaluate(c, r), "decisions are deterministic");
      }
    }
  }

  /** The policy, or null after checking that the exception is a well-formed problem list. */
  private static CompiledPolicy compileOrProblems(String yaml) {
    try {
      return PolicyCompiler.compile(yaml, SOURCE);
    } catch (PolicyException e) {
      assertFalse(e.problems().isEmpty(), "a PolicyException names at least one problem");
      for (PolicyProblem p : e.problems()) {
        assertEquals(SOURCE, p.source());
        assertTrue(p.line() >= 0 && p.column() >= 0, () -> "position " + p);
        assertFalse(p.message().isBlank(), () -> "message " + p);
      }
      return null;
    }
  }
}
