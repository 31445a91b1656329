package dev.agentbroker.tiera;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentbroker.policy.TokenRequest;
import dev.agentbroker.request.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenRequestValidatorTest {
  private static final Map<String, String> READ = Map.of("contents", "read");

  static Stream<Arguments> cases() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 501; i++) {
      many.add("r" + i);
    }
    return Stream.of(
        c("valid", new TokenRequest("acme", List.of("svc-a"), List.of(), READ), List.of()),
        c("valid ids", new TokenRequest("acme", List.of(), List.of(7L), READ), List.of()),
        c("empty owner", new TokenRequest("", List.of("a"), List.of(), READ), List.of("/owner")),
        c("bad owner", new TokenRequest("-acme", List.of("a"), List.of(), READ), List.of("/owner")),
        c(
            "owner with slash",
            new TokenRequest("acme/x", List.of("a"), List.of(), READ),
            List.of("/owner")),
        c(
            "no repositories",
            new TokenRequest("acme", List.of(), List.of(), READ),
            List.of("/repositories")),
        c(
            "owner/repo name",
            new TokenRequest("acme", List.of("acme/svc-a"), List.of(), READ),
            List.of("/repositories/0")),
        c(
            "dot-dot name",
            new TokenRequest("acme", List.of(".."), List.of(), READ),
            List.of("/repositories/0")),
        c(
            "empty name",
            new TokenRequest("acme", List.of(""), List.of(), READ),
            List.of("/repositories/0")),
        c(
            "duplicate name (case)",
            new TokenRequest("acme", List.of("a", "A"), List.of(), READ),
            List.of("/repositories/1")),
        c(
            "501 repositories",
            new TokenRequest("acme", many, List.of(), READ),
            List.of("/repositories")),
        c(
            "negative id",
            new TokenRequest("acme", List.of(), List.of(-1L), READ),
            List.of("/repository_ids/0")),
        c(
            "no permissions",
            new TokenRequest("acme", List.of("a"), List.of(), Map.of()),
            List.of("/permissions")),
        c(
            "unknown permission",
            new TokenRequest("acme", List.of("a"), List.of(), Map.of("contentz", "read")),
            List.of("/permissions/contentz")),
        c(
            "admin on contents",
            new TokenRequest("acme", List.of("a"), List.of(), Map.of("contents", "admin")),
            List.of("/permissions/contents")),
        c(
            "read on workflows",
            new TokenRequest("acme", List.of("a"), List.of(), Map.of("workflows", "read")),
            List.of("/permissions/workflows")),
        c(
            "admin on organization_projects ok",
            new TokenRequest(
                "acme", List.of("a"), List.of(), Map.of("organization_projects", "admin")),
            List.of()),
        c(
            "everything wrong at once",
            new TokenRequest("", List.of(), List.of(), Map.of()),
            List.of("/owner", "/repositories", "/permissions")));
  }

  private static Arguments c(String name, TokenRequest r, List<String> fields) {
    return Arguments.of(Named.of(name, r), fields);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void validates(TokenRequest request, List<String> expectedFields) {
    List<String> fields =
        TokenRequestValidator.validate(request).stream()
            .map(Violation::field)
            .distinct()
            .collect(Collectors.toList());
    assertEquals(expectedFields, fields);
  }
}
