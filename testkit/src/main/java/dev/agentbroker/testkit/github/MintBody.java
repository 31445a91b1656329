package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed body of a mint request. Parsing is separate from validation because the request must
 * be recorded (as a {@link MintRequest}) even when a fault or an auth failure means it is never
 * validated.
 */
final class MintBody {
  final boolean hadBody;
  final boolean malformed;

  /** Null when the field is absent or of the wrong type. */
  List<String> repositories;

  List<Long> repositoryIds;
  Map<String, String> permissions;

  /** GitHub's schema-validation message for the first wrongly-typed field, else null. */
  String typeError;

  private MintBody(boolean hadBody, boolean malformed) {
    this.hadBody = hadBody;
    this.malformed = malformed;
  }

  static MintBody parse(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return new MintBody(false, false);
    }
    JsonNode root;
    try {
      root = GitHubJson.MAPPER.readTree(text);
    } catch (IOException e) {
      return new MintBody(true, true);
    }
    if (root == null || !root.isObject()) {
      return new MintBody(true, true);
    }
    MintBody m = new MintBody(true, false);
    m.readRepositories(root.get("repositories"));
    m.readRepositoryIds(root.get("repository_ids"));
    m.readPermissions(root.get("permissions"));
    return m;
  }

  private void readRepositories(JsonNode n) {
    if (n == null || n.isNull()) {
      return;
    }
    if (!n.isArray()) {
      fail("repositories", n + " is not an array.");
      return;
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        fail("repositories/items", e + " is not a string.");
        return;
      }
      out.add(e.asText());
    }
    repositories = out;
  }

  private void readRepositoryIds(JsonNode n) {
    if (n == null || n.isNull()) {
      return;
    }
    if (!n.isArray()) {
      fail("repository_ids", n + " is not an array.");
      return;
    }
    List<Long> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isIntegralNumber() || !e.canConvertToLong()) {
        fail("repository_ids/items", e + " is not an integer.");
        return;
      }
      out.add(e.asLong());
    }
    repositoryIds = out;
  }

  private void readPermissions(JsonNode n) {
    if (n == null || n.isNull()) {
      return;
    }
    if (!n.isObject()) {
      fail("permissions", n + " is not an object.");
      return;
    }
    Map<String, String> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        fail("permissions/" + e.getKey(), e.getValue() + " is not a string.");
        return;
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    permissions = out;
  }

  private void fail(String property, String problem) {
    if (typeError == null) {
      typeError = Messages.invalidRequest(property, problem);
    }
  }

  MintRequest record(long installationId, int status) {
    return new MintRequest(
        installationId, hadBody, repositories, repositoryIds, permissions, status);
  }
}
