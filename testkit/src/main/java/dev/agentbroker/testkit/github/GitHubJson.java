package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Renders GitHub's JSON shapes (installation, app, repository, account, error) with the fields a
 * client actually reads, in GitHub's naming. Ids that the fixture does not carry (account ids, node
 * ids) are derived deterministically so repeated runs produce identical bodies.
 */
final class GitHubJson {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String CREATED_AT = "2024-01-15T09:30:00Z";

  private final String base;
  private final SimulatorFixture fixture;

  GitHubJson(String baseUri, SimulatorFixture fixture) {
    this.base = baseUri;
    this.fixture = fixture;
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** GitHub's error body: message, documentation_url and the status as a string. */
  static byte[] error(String message, String documentationUrl, int status) {
    return error(message, null, documentationUrl, status);
  }

  /** The error body with GitHub's {@code errors} array (when not null) after the message. */
  static byte[] error(String message, JsonNode errors, String documentationUrl, int status) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("message", message);
    if (errors != null) {
      n.set("errors", errors);
    }
    n.put("documentation_url", documentationUrl);
    n.put("status", Integer.toString(status));
    return bytes(n);
  }

  static long accountId(String login) {
    return 1_000_000L
        + (login.toLowerCase(java.util.Locale.ROOT).hashCode() & 0x7fffffffL) % 9_000_000L;
  }

  private static String nodeId(String type, long id) {
    return Base64.getEncoder()
        .encodeToString(("0" + type.length() + ":" + type + id).getBytes(StandardCharsets.UTF_8));
  }

  ObjectNode account(Installation i) {
    long id = accountId(i.account());
    String type = i.accountType().json();
    ObjectNode a = MAPPER.createObjectNode();
    a.put("login", i.account());
    a.put("id", id);
    a.put("node_id", nodeId(type, id));
    a.put("avatar_url", "https://avatars.githubusercontent.com/u/" + id + "?v=4");
    a.put("url", base + "/users/" + i.account());
    a.put("html_url", "https://github.com/" + i.account());
    a.put("type", type);
    a.put("site_admin", false);
    return a;
  }

  ObjectNode installation(Installation i, Instant suspendedAt) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("id", i.id());
    n.put("client_id", fixture.clientId());
    n.set("account", account(i));
    n.put("repository_selection", i.repositorySelection());
    n.put("access_tokens_url", base + "/app/installations/" + i.id() + "/access_tokens");
    n.put("repositories_url", base + "/installation/repositories");
    String settings =
        i.accountType() == AccountType.ORGANIZATION
            ? "https://github.com/organizations/" + i.account() + "/settings/installations/"
            : "https://github.com/settings/installations/";
    n.put("html_url", settings + i.id());
    n.put("app_id", fixture.appId());
    n.put("app_slug", slug());
    n.put("target_id", accountId(i.account()));
    n.put("target_type", i.accountType().json());
    n.set("permissions", permissions(i.permissions()));
    n.set("events", MAPPER.createArrayNode());
    n.put("created_at", CREATED_AT);
    n.put("updated_at", CREATED_AT);
    n.putNull("single_file_name");
    n.put("has_multiple_single_files", false);
    n.set("single_file_paths", MAPPER.createArrayNode());
    if (suspendedAt == null) {
      n.putNull("suspended_by");
      n.putNull("suspended_at");
    } else {
      n.set("suspended_by", account(i));
      n.put("suspended_at", suspendedAt.toString());
    }
    return n;
  }

  ObjectNode app(List<Installation> installations) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("id", fixture.appId());
    n.put("slug", slug());
    n.put("node_id", nodeId("App", fixture.appId()));
    n.put("client_id", fixture.clientId());
    if (!installations.isEmpty()) {
      n.set("owner", account(installations.get(0)));
    }
    n.put("name", "Agent Broker (simulated)");
    n.put("description", "GitHub App simulated by the agent-broker testkit");
    n.put("external_url", "https://example.invalid/agent-broker");
    n.put("html_url", "https://github.com/apps/" + slug());
    n.put("created_at", CREATED_AT);
    n.put("updated_at", CREATED_AT);
    ObjectNode perms = MAPPER.createObjectNode();
    for (Installation i : installations) {
      i.permissions().forEach(perms::put);
    }
    n.set("permissions", perms);
    n.set("events", MAPPER.createArrayNode());
    n.put("installations_count", installations.size());
    return n;
  }

  ObjectNode repository(Installation i, Repo r) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("id", r.id());
    n.put("node_id", nodeId("Repository", r.id()));
    n.put("name", r.name());
    n.put("full_name", i.account() + "/" + r.name());
    n.put("private", r.isPrivate());
    n.put("visibility", r.isPrivate() ? "private" : "public");
    n.set("owner", account(i));
    n.put("html_url", "https://github.com/" + i.account() + "/" + r.name());
    n.put("url", base + "/repos/" + i.account() + "/" + r.name());
    n.put("default_branch", "main");
    return n;
  }

  ArrayNode repositories(Installation i, List<Repo> repos) {
    ArrayNode a = MAPPER.createArrayNode();
    for (Repo r : repos) {
      a.add(repository(i, r));
    }
    return a;
  }

  static ObjectNode permissions(Map<String, String> perms) {
    ObjectNode p = MAPPER.createObjectNode();
    perms.forEach(p::put);
    return p;
  }

  /** An API URL under the simulator's base, e.g. {@code http://127.0.0.1:P/repos/o/r}. */
  String apiUrl(String path) {
    return base + path;
  }

  /** The App's slug; its bot user is {@code <slug>[bot]}. */
  String slug() {
    return "agent-broker-" + fixture.appId();
  }
}
