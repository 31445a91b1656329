package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.request.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code set-repo-metadata}: description, homepage and topics of one existing repository. */
public final class SetRepoMetadata implements Verb {
  static final Set<String> FIELDS = Set.of("owner", "repo", "description", "homepage", "topics");
  private static final Pattern HTTPS_URL = Pattern.compile("^https://[^\\s]{1,250}$");

  @Override
  public String name() {
    return "set-repo-metadata";
  }

  @Override
  public String description() {
    return "Set the description, homepage and topics of a repository";
  }

  @Override
  public ObjectNode schema() {
    ObjectNode s = Schemas.object(List.of("owner", "repo"));
    Schemas.string(s, "owner", Fields.LOGIN.pattern(), 39);
    Schemas.string(s, "repo", Fields.REPO.pattern(), 100);
    Schemas.string(s, "description", null, 350);
    Schemas.string(s, "homepage", HTTPS_URL.pattern(), 255);
    Schemas.stringArray(s, "topics", Fields.TOPIC.pattern(), 20);
    s.put("minProperties", 3);
    return s;
  }

  @Override
  public VerbCall parse(JsonNode body) throws VerbInputException {
    Fields f = new Fields(body, FIELDS);
    String owner = f.string("owner", true, Fields.LOGIN, 39);
    String repo = f.string("repo", true, Fields.REPO, 100);
    String description = f.string("description", false, null, 350);
    String homepage = f.string("homepage", false, HTTPS_URL, 255);
    boolean hasTopics = body != null && body.has("topics");
    List<String> topics = f.strings("topics", Fields.TOPIC, 20);
    boolean dryRun = f.dryRun();
    if (f.ok() && description == null && homepage == null && !hasTopics) {
      f.violations.add(new Violation("/", "set at least one of description, homepage, topics"));
    }
    if (!f.ok()) {
      throw new VerbInputException(f.violations);
    }
    ObjectNode p = Schemas.MAPPER.createObjectNode();
    p.put("owner", owner).put("repo", repo);
    if (description != null) {
      p.put("description", description);
    }
    if (homepage != null) {
      p.put("homepage", homepage);
    }
    if (hasTopics) {
      ArrayNode t = p.putArray("topics");
      topics.forEach(t::add);
    }
    return VerbCall.onRepository(name(), owner, repo, p, dryRun);
  }

  @Override
  public Map<String, String> permissions() {
    return Map.of("administration", "write");
  }

  @Override
  public List<PlannedCall> plan(VerbCall call) {
    ObjectNode p = call.params();
    String path = call.repositoryPath();
    List<PlannedCall> out = new ArrayList<>();
    ObjectNode patch = Schemas.MAPPER.createObjectNode();
    if (p.has("description")) {
      patch.put("description", p.get("description").asText());
    }
    if (p.has("homepage")) {
      patch.put("homepage", p.get("homepage").asText());
    }
    if (patch.size() > 0) {
      out.add(new PlannedCall("PATCH", path, patch, "update description/homepage"));
    }
    if (p.has("topics")) {
      ObjectNode topics = Schemas.MAPPER.createObjectNode();
      topics.set("names", p.get("topics"));
      out.add(new PlannedCall("PUT", path + "/topics", topics, "replace the topics"));
    }
    return out;
  }
}
