package dev.agentbroker.sandbox.internal.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.sandbox.internal.settings.RepoRef;
import java.util.Map;

/** The body of {@code POST /token} and {@code /token/explain}: one owner, one repository. */
public record TokenRequestBody(RepoRef repo, Map<String, String> permissions) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public TokenRequestBody {
    permissions = Map.copyOf(permissions);
    if (permissions.isEmpty()) {
      // GitHub reads "no permissions" as "all of the installation's": never send that.
      throw new IllegalArgumentException("a token request needs at least one permission");
    }
  }

  String json() {
    ObjectNode body = JSON.createObjectNode();
    body.put("owner", repo.owner());
    body.putArray("repositories").add(repo.name());
    ObjectNode perms = body.putObject("permissions");
    permissions.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> perms.put(e.getKey(), e.getValue()));
    return body.toString();
  }
}
