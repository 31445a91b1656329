package dev.agentbroker.tierb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.request.Violation;
import dev.agentbroker.tierb.verbs.Verb;
import dev.agentbroker.tierb.verbs.VerbCatalog;
import dev.agentbroker.tierb.verbs.VerbInputException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Schema table tests: each verb's malformed bodies and the field each one names. */
class VerbSchemaTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String LONG = "x".repeat(351);

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("create-repo", "{}", List.of("/owner", "/name")),
        Arguments.of("create-repo", "[]", List.of("/")),
        Arguments.of("create-repo", "{\"owner\":\"acme\",\"name\":\"a/b\"}", List.of("/name")),
        Arguments.of(
            "create-repo",
            "{\"owner\":\"acme\",\"name\":\"" + "n".repeat(101) + "\"}",
            List.of("/name")),
        Arguments.of("create-repo", "{\"owner\":\"-acme\",\"name\":\"ok\"}", List.of("/owner")),
        Arguments.of(
            "create-repo",
            "{\"owner\":\"acme\",\"name\":\"ok\",\"visibility\":\"public\"}",
            List.of("/visibility")),
        Arguments.of(
            "create-repo",
            "{\"owner\":\"acme\",\"name\":\"ok\",\"admin\":true}",
            List.of("/admin")),
        Arguments.of(
            "create-repo",
            "{\"owner\":\"acme\",\"name\":\"ok\",\"description\":\"" + LONG + "\"}",
            List.of("/description")),
        Arguments.of(
            "create-repo",
            "{\"owner\":\"acme\",\"name\":\"ok\",\"topics\":[\"Bad Topic\"]}",
            List.of("/topics/0")),
        Arguments.of(
            "create-repo",
            "{\"owner\":\"acme\",\"name\":\"ok\",\"dry_run\":\"yes\"}",
            List.of("/dry_run")),
        Arguments.of("create-repo", "{\"owner\":1,\"name\":\"ok\"}", List.of("/owner")),
        Arguments.of("set-repo-metadata", "{\"owner\":\"acme\",\"repo\":\"svc-a\"}", List.of("/")),
        Arguments.of(
            "set-repo-metadata",
            "{\"owner\":\"acme\",\"repo\":\"svc-a\",\"homepage\":\"http://insecure\"}",
            List.of("/homepage")),
        Arguments.of(
            "set-repo-metadata",
            "{\"owner\":\"acme\",\"repo\":\"svc-a\",\"private\":true}",
            List.of("/private")),
        Arguments.of(
            "grant-team-access",
            "{\"owner\":\"acme\",\"repo\":\"svc-a\",\"team\":\"platform\",\"permission\":\"admin\"}",
            List.of("/permission")),
        Arguments.of(
            "grant-team-access",
            "{\"owner\":\"acme\",\"repo\":\"svc-a\",\"team\":\"platform\",\"permission\":\"maintain\"}",
            List.of("/permission")),
        Arguments.of(
            "grant-team-access", "{\"owner\":\"acme\",\"repo\":\"svc-a\"}", List.of("/team")),
        Arguments.of(
            "apply-branch-protection",
            "{\"owner\":\"acme\",\"repo\":\"svc-a\",\"branch\":\"a b\"}",
            List.of("/branch")),
        Arguments.of("apply-branch-protection", "{\"owner\":\"acme\"}", List.of("/repo")));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void rejects(String verbName, String body, List<String> fields) throws Exception {
    Verb verb = VerbCatalog.find(verbName).orElseThrow();
    VerbInputException e =
        assertThrows(VerbInputException.class, () -> verb.parse(JSON.readTree(body)));
    assertEquals(fields, e.violations().stream().map(Violation::field).distinct().toList());
  }

  @ParameterizedTest(name = "{0} publishes a closed schema")
  @MethodSource("verbs")
  void schemasAreClosed(Verb verb) {
    assertEquals(false, verb.schema().get("additionalProperties").asBoolean());
    assertTrue(verb.schema().get("required").size() >= 2);
  }

  static Stream<Verb> verbs() {
    return VerbCatalog.all().stream();
  }
}
