package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Removing an issue label and commenting, with the refusals GitHub gives. */
class IssueEndpointsTest extends SimulatorHarness {
  static final String ISSUE_WRITER =
      "{\"repositories\":[\"svc-a\"],\"permissions\":{\"issues\":\"write\"}}";
  static final String LABELS = "/repos/acme/svc-a/issues/12/labels/";
  static final String COMMENTS = "/repos/acme/svc-a/issues/12/comments";
  static final String DOCS_LABEL =
      "https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue";
  static final String DOCS_COMMENT =
      "https://docs.github.com/rest/issues/comments#create-an-issue-comment";
  static final String DOCS_REST = "https://docs.github.com/rest";

  @BeforeEach
  void declareIssue() {
    sim.addIssue("acme", "svc-a", 12, List.of("agent:run", "bug", "needs triage"));
  }

  enum Refusal {
    LABEL_WITHOUT_ISSUES_PERMISSION(
        t ->
            t.mintToken(
                ACME, "{\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"write\"}}"),
        "DELETE",
        LABELS + "bug",
        null,
        403,
        "Resource not accessible by integration",
        DOCS_LABEL),
    LABEL_WITH_ISSUES_READ(
        t ->
            t.mintToken(
                ACME, "{\"repositories\":[\"svc-a\"],\"permissions\":{\"issues\":\"read\"}}"),
        "DELETE",
        LABELS + "bug",
        null,
        403,
        "Resource not accessible by integration",
        DOCS_LABEL),
    LABEL_TOKEN_FOR_ANOTHER_REPOSITORY(
        t ->
            t.mintToken(
                ACME, "{\"repositories\":[\"svc-b\"],\"permissions\":{\"issues\":\"write\"}}"),
        "DELETE",
        LABELS + "bug",
        null,
        404,
        "Not Found",
        DOCS_LABEL),
    LABEL_UNKNOWN_ISSUE(
        t -> t.mintToken(ACME, ISSUE_WRITER),
        "DELETE",
        "/repos/acme/svc-a/issues/13/labels/bug",
        null,
        404,
        "Not Found",
        DOCS_LABEL),
    LABEL_NOT_ON_THE_ISSUE(
        t -> t.mintToken(ACME, ISSUE_WRITER),
        "DELETE",
        LABELS + "wontfix",
        null,
        404,
        "Label does not exist",
        DOCS_LABEL),
    LABEL_NO_TOKEN(
        t -> null, "DELETE", LABELS + "bug", null, 401, "Requires authentication", DOCS_REST),
    COMMENT_WITHOUT_ISSUES_WRITE(
        t ->
            t.mintToken(
                ACME, "{\"repositories\":[\"svc-a\"],\"permissions\":{\"issues\":\"read\"}}"),
        "POST",
        COMMENTS,
        "{\"body\":\"hi\"}",
        403,
        "Resource not accessible by integration",
        DOCS_COMMENT),
    COMMENT_TOKEN_OF_ANOTHER_ACCOUNT(
        t -> t.mintToken(OCTOCAT, null),
        "POST",
        COMMENTS,
        "{\"body\":\"hi\"}",
        404,
        "Not Found",
        DOCS_COMMENT),
    COMMENT_UNKNOWN_ISSUE(
        t -> t.mintToken(ACME, ISSUE_WRITER),
        "POST",
        "/repos/acme/svc-a/issues/99/comments",
        "{\"body\":\"hi\"}",
        404,
        "Not Found",
        DOCS_COMMENT),
    COMMENT_MALFORMED_JSON(
        t -> t.mintToken(ACME, ISSUE_WRITER),
        "POST",
        COMMENTS,
        "{\"body\":",
        400,
        "Problems parsing JSON",
        DOCS_COMMENT),
    COMMENT_BODY_MISSING(
        t -> t.mintToken(ACME, ISSUE_WRITER),
        "POST",
        COMMENTS,
        "{}",
        422,
        "Invalid request.\n\n\"body\" wasn't supplied.",
        DOCS_COMMENT),
    COMMENT_BODY_NULL(
        t -> t.mintToken(ACME, ISSUE_WRITER),
        "POST",
        COMMENTS,
        "{\"body\":null}",
        422,
        "Invalid request.\n\nFor 'properties/body', nil is not a string.",
        DOCS_COMMENT),
    COMMENT_BODY_EMPTY(
        t -> t.mintToken(ACME, ISSUE_WRITER),
        "POST",
        COMMENTS,
        "{\"body\":\"\"}",
        422,
        "Validation Failed",
        DOCS_COMMENT),
    COMMENT_BODY_BLANK(
        t -> t.mintToken(ACME, ISSUE_WRITER),
        "POST",
        COMMENTS,
        "{\"body\":\"  \\n \"}",
        422,
        "Validation Failed",
        DOCS_COMMENT),
    COMMENT_BODY_TOO_LONG(
        t -> t.mintToken(ACME, ISSUE_WRITER),
        "POST",
        COMMENTS,
        "{\"body\":\"" + "a".repeat(262_145) + "\"}",
        422,
        "Validation Failed",
        DOCS_COMMENT);

    final Function<IssueEndpointsTest, String> token;
    final String method;
    final String path;
    final String body;
    final int status;
    final String message;
    final String docs;

    Refusal(
        Function<IssueEndpointsTest, String> token,
        String method,
        String path,
        String body,
        int status,
        String message,
        String docs) {
      this.token = token;
      this.method = method;
      this.path = path;
      this.body = body;
      this.status = status;
      this.message = message;
      this.docs = docs;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Refusal.class)
  void refusesLikeGitHub(Refusal c) {
    String token = c.token.apply(this);
    HttpResponse<String> r =
        send(c.method, c.path, token == null ? null : "Bearer " + token, c.body);
    assertEquals(c.status, r.statusCode(), r.body());
    assertEquals(c.message, message(r));
    assertEquals(c.docs, json(r).get("documentation_url").asText());
    assertEquals(List.of("agent:run", "bug", "needs triage"), sim.issueLabels("acme", "svc-a", 12));
    assertTrue(sim.issueComments("acme", "svc-a", 12).isEmpty());
  }

  @Test
  void validationFailuresCarryGitHubsErrorsArray() {
    String token = mintToken(ACME, ISSUE_WRITER);
    JsonNode blank = json(send("POST", COMMENTS, "token " + token, "{\"body\":\"\"}"));
    assertEquals(
        json(
            "{\"resource\":\"IssueComment\",\"code\":\"unprocessable\",\"field\":\"data\","
                + "\"message\":\"Body cannot be blank\"}"),
        blank.get("errors").get(0));
    assertEquals(List.of("message", "errors", "documentation_url", "status"), fields(blank));
    JsonNode tooLong =
        json(
            send(
                "POST", COMMENTS, "token " + token, "{\"body\":\"" + "🌈".repeat(65_536) + "a\"}"));
    assertEquals(
        "Body is too long (maximum is 65536 characters)",
        tooLong.get("errors").get(0).get("message").asText());
  }

  @Test
  void bodiesUpToGitHubsByteLimitAreAccepted() {
    String token = mintToken(ACME, ISSUE_WRITER);
    String rainbows = "🌈".repeat(65_536);
    assertEquals(
        201,
        send("POST", COMMENTS, "token " + token, "{\"body\":\"" + rainbows + "\"}").statusCode());
    String as = "a".repeat(262_144);
    assertEquals(
        201, send("POST", COMMENTS, "token " + token, "{\"body\":\"" + as + "\"}").statusCode());
    assertEquals(List.of(rainbows, as), sim.issueComments("acme", "svc-a", 12));
  }

  @Test
  void removingALabelAnswersTheRemainingLabels() {
    String token = mintToken(ACME, ISSUE_WRITER);
    HttpResponse<String> r = send("DELETE", LABELS + "agent:run", "token " + token, null);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode left = json(r);
    assertEquals(2, left.size());
    assertEquals("bug", left.get(0).get("name").asText());
    assertEquals("needs triage", left.get(1).get("name").asText());
    assertEquals("ededed", left.get(0).get("color").asText());
    assertEquals(false, left.get(0).get("default").asBoolean());
    assertTrue(left.get(0).get("description").isNull());
    assertEquals(
        sim.baseUri() + "/repos/acme/svc-a/labels/needs%20triage", left.get(1).get("url").asText());
    assertEquals(List.of("bug", "needs triage"), sim.issueLabels("acme", "svc-a", 12));

    HttpResponse<String> again = send("DELETE", LABELS + "agent:run", "token " + token, null);
    assertEquals(404, again.statusCode());
    assertEquals("Label does not exist", message(again));
  }

  @Test
  void labelNamesAreUrlDecodedAndMatchedIgnoringCase() {
    String token = mintToken(ACME, null);
    assertEquals(
        200, send("DELETE", LABELS + "needs%20triage", "token " + token, null).statusCode());
    assertEquals(200, send("DELETE", LABELS + "BUG", "token " + token, null).statusCode());
    assertEquals(List.of("agent:run"), sim.issueLabels("acme", "svc-a", 12));
    sim.addIssue("acme", "svc-a", 3, List.of("area/ci"));
    assertEquals(
        200,
        send("DELETE", "/repos/acme/svc-a/issues/3/labels/area%2Fci", "token " + token, null)
            .statusCode());
    assertEquals(List.of(), sim.issueLabels("acme", "svc-a", 3));
  }

  @Test
  void commentingAnswers201AsTheAppsBot() {
    String token = mintToken(ACME, ISSUE_WRITER);
    HttpResponse<String> r =
        send("POST", COMMENTS, "token " + token, "{\"body\":\"Run started: #1\"}");
    assertEquals(201, r.statusCode(), r.body());
    JsonNode c = json(r);
    long id = c.get("id").asLong();
    assertTrue(id > Integer.MAX_VALUE, "comment ids exceed an int, like GitHub's");
    assertEquals("Run started: #1", c.get("body").asText());
    assertEquals("agent-broker-424242[bot]", c.get("user").get("login").asText());
    assertEquals("Bot", c.get("user").get("type").asText());
    assertEquals(
        "https://github.com/acme/svc-a/issues/12#issuecomment-" + id, c.get("html_url").asText());
    assertEquals(
        sim.baseUri() + "/repos/acme/svc-a/issues/comments/" + id,
        r.headers().firstValue("location").orElseThrow());
    assertEquals("2025-06-01T12:00:00Z", c.get("created_at").asText());
    send("POST", COMMENTS, "token " + token, "{\"body\":\"done\"}");
    assertEquals(List.of("Run started: #1", "done"), sim.issueComments("acme", "svc-a", 12));
  }

  @Test
  void testControlsRejectMistakes() {
    assertThrows(IllegalArgumentException.class, () -> sim.addIssue("acme", "nope", 1, List.of()));
    assertThrows(IllegalArgumentException.class, () -> sim.addIssue("acme", "svc-a", 0, List.of()));
    assertThrows(IllegalArgumentException.class, () -> sim.issueLabels("acme", "svc-a", 99));
    assertThrows(IllegalArgumentException.class, () -> sim.issueComments("acme", "svc-a", 99));
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> fields(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
