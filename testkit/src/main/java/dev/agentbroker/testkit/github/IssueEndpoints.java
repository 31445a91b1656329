package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Issue endpoints an installation token calls: removing a label and adding a comment. Both need
 * {@code issues: write}. Checks, in order: token (401/403, see {@link InstallationAuth}),
 * repository reach (404), permission (403), issue known (404), then the label (404 "Label does not
 * exist") or the comment body (422, GitHub's texts as recorded against github.com).
 */
final class IssueEndpoints {
  private static final String DOCS_REMOVE_LABEL =
      "https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue";
  private static final String DOCS_COMMENT =
      "https://docs.github.com/rest/issues/comments#create-an-issue-comment";

  /** GitHub's limit is 65536 characters in the message, 4 x 65536 UTF-8 bytes in fact. */
  static final int MAX_BODY_BYTES = 262_144;

  private final SimulatorState state;
  private final IssueState issues;
  private final InstallationAuth auth;
  private final GitHubJson json;

  IssueEndpoints(SimulatorState state, IssueState issues, GitHubJson json) {
    this.state = state;
    this.issues = issues;
    this.auth = new InstallationAuth(state);
    this.json = json;
  }

  /** Handles the request if it is an issue endpoint; returns null otherwise. */
  ApiResponse handle(ApiRequest req) {
    if (isRemoveLabel(req)) {
      req.documentationUrl = DOCS_REMOVE_LABEL;
      InstallationAuth.Target target = writer(req);
      IssueState.Issue issue = issue(target, req.segment(4));
      // The decoded path may hold a '/' from %2F in the label name; everything after
      // "labels/" is the name.
      String name = String.join("/", req.segments.subList(6, req.segments.size()));
      List<String> left = issue.removeLabel(name);
      if (left == null) {
        throw new ApiException(404, Messages.LABEL_DOES_NOT_EXIST);
      }
      ArrayNode out = GitHubJson.MAPPER.createArrayNode();
      left.forEach(l -> out.add(label(target, l)));
      return ApiResponse.json(200, GitHubJson.bytes(out));
    }
    if (req.matches("POST", "repos", "*", "*", "issues", "*", "comments")) {
      req.documentationUrl = DOCS_COMMENT;
      InstallationAuth.Target target = writer(req);
      long number = RequestBodies.number(req.segment(4));
      IssueState.Issue issue = issue(target, req.segment(4));
      String body = commentBody(RequestBodies.object(req));
      IssueState.Comment c =
          issues.comment(issue, body, state.now().truncatedTo(ChronoUnit.SECONDS));
      ObjectNode out = comment(target, number, c);
      return ApiResponse.json(201, GitHubJson.bytes(out))
          .header("location", out.get("url").asText());
    }
    return null;
  }

  private static boolean isRemoveLabel(ApiRequest req) {
    List<String> s = req.segments;
    return req.method.equals("DELETE")
        && s.size() >= 7
        && s.get(0).equals("repos")
        && s.get(3).equals("issues")
        && s.get(5).equals("labels")
        && !s.get(6).isEmpty();
  }

  private InstallationAuth.Target writer(ApiRequest req) {
    IssuedToken t = auth.authenticate(req);
    InstallationAuth.Target target = auth.reach(t, req.segment(1), req.segment(2));
    InstallationAuth.require(t, "issues", "write");
    return target;
  }

  private IssueState.Issue issue(InstallationAuth.Target target, String numberSegment) {
    IssueState.Issue issue =
        issues.issue(target.owner(), target.name(), RequestBodies.number(numberSegment));
    if (issue == null) {
      throw ApiException.notFound();
    }
    return issue;
  }

  /** GitHub's schema errors first, then its model validation ("Validation Failed"). */
  private static String commentBody(JsonNode b) {
    JsonNode body = b.get("body");
    if (body == null) {
      throw new ApiException(422, Messages.notSupplied("body"));
    }
    if (!body.isTextual()) {
      throw new ApiException(422, Messages.notA("body", body, "string"));
    }
    String text = body.asText();
    if (text.isBlank()) {
      throw validationFailed(Messages.BODY_BLANK);
    }
    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
      throw validationFailed(Messages.BODY_TOO_LONG);
    }
    return text;
  }

  private static ApiException validationFailed(String message) {
    ArrayNode errors = GitHubJson.MAPPER.createArrayNode();
    ObjectNode e = errors.addObject();
    e.put("resource", "IssueComment");
    e.put("code", "unprocessable");
    e.put("field", "data");
    e.put("message", message);
    return new ApiException(422, Messages.VALIDATION_FAILED).errors(errors);
  }

  /** Label objects as GitHub returns labels created on the fly: grey, not default, no text. */
  private ObjectNode label(InstallationAuth.Target target, String name) {
    ObjectNode n = GitHubJson.MAPPER.createObjectNode();
    long id = GitHubJson.accountId(target.owner() + "/" + target.name() + ":" + name);
    n.put("id", id);
    n.put("name", name);
    n.put(
        "url",
        repoUrl(target)
            + "/labels/"
            + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
    n.put("color", "ededed");
    n.put("default", false);
    n.putNull("description");
    return n;
  }

  private ObjectNode comment(InstallationAuth.Target target, long number, IssueState.Comment c) {
    String bot = json.slug() + "[bot]";
    ObjectNode user = GitHubJson.MAPPER.createObjectNode();
    user.put("login", bot);
    user.put("id", GitHubJson.accountId(bot));
    user.put("type", "Bot");
    user.put("html_url", "https://github.com/apps/" + json.slug());
    String at = DateTimeFormatter.ISO_INSTANT.format(c.createdAt());
    ObjectNode n = GitHubJson.MAPPER.createObjectNode();
    n.put("id", c.id());
    n.put("url", repoUrl(target) + "/issues/comments/" + c.id());
    n.put(
        "html_url",
        "https://github.com/"
            + target.owner()
            + "/"
            + target.name()
            + "/issues/"
            + number
            + "#issuecomment-"
            + c.id());
    n.put("issue_url", repoUrl(target) + "/issues/" + number);
    n.put("body", c.body());
    n.set("user", user);
    n.put("created_at", at);
    n.put("updated_at", at);
    n.put("author_association", "NONE");
    return n;
  }

  private String repoUrl(InstallationAuth.Target target) {
    return json.apiUrl("/repos/" + target.owner() + "/" + target.name());
  }
}
