package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code create-repo}: a new organization repository (private by default, never public), from a
 * template when asked, then topics and the baseline branch protection.
 */
public final class CreateRepo implements Verb {
  static final Set<String> FIELDS =
      Set.of("owner", "name", "visibility", "description", "topics", "template");

  @Override
  public String name() {
    return "create-repo";
  }

  @Override
  public String description() {
    return "Create an organization repository (private or internal), optionally from a template,"
        + " with topics and the baseline branch protection";
  }

  @Override
  public ObjectNode schema() {
    ObjectNode s = Schemas.object(List.of("owner", "name"));
    Schemas.string(s, "owner", Fields.LOGIN.pattern(), 39);
    Schemas.string(s, "name", Fields.REPO.pattern(), 100);
    Schemas.enumeration(s, "visibility", List.of("private", "internal"), "private");
    Schemas.string(s, "description", null, 350);
    Schemas.stringArray(s, "topics", Fields.TOPIC.pattern(), 20);
    Schemas.string(s, "template", Fields.REPO.pattern(), 100);
    return s;
  }

  @Override
  public VerbCall parse(JsonNode body) throws VerbInputException {
    Fields f = new Fields(body, FIELDS);
    String owner = f.string("owner", true, Fields.LOGIN, 39);
    String name = f.string("name", true, Fields.REPO, 100);
    String visibility = f.oneOf("visibility", Set.of("private", "internal"), "private");
    String description = f.string("description", false, null, 350);
    List<String> topics = f.strings("topics", Fields.TOPIC, 20);
    String template = f.string("template", false, Fields.REPO, 100);
    boolean dryRun = f.dryRun();
    if (!f.ok()) {
      throw new VerbInputException(f.violations);
    }
    ObjectNode p = Schemas.MAPPER.createObjectNode();
    p.put("owner", owner).put("name", name).put("visibility", visibility);
    if (description != null) {
      p.put("description", description);
    }
    ArrayNode t = p.putArray("topics");
    topics.forEach(t::add);
    if (template != null) {
      p.put("template", template);
    }
    Map<String, String> policy = new LinkedHashMap<>();
    policy.put("owner", owner);
    policy.put("name", name);
    policy.put("visibility", visibility);
    if (template != null) {
      policy.put("template", template);
    }
    return new VerbCall(name(), owner, Optional.empty(), policy, p, dryRun);
  }

  @Override
  public Map<String, String> permissions() {
    return Map.of("administration", "write");
  }

  @Override
  public boolean installationWide() {
    return true;
  }

  @Override
  public boolean createsContent() {
    return true;
  }

  @Override
  public List<PlannedCall> plan(VerbCall call) {
    ObjectNode p = call.params();
    String owner = p.get("owner").asText();
    String name = p.get("name").asText();
    List<PlannedCall> out = new ArrayList<>();
    ObjectNode create = Schemas.MAPPER.createObjectNode();
    if (p.has("template")) {
      create.put("owner", owner).put("name", name).put("private", true);
      if (p.has("description")) {
        create.put("description", p.get("description").asText());
      }
      out.add(
          new PlannedCall(
              "POST",
              "/repos/" + owner + "/" + p.get("template").asText() + "/generate",
              create,
              "create the repository from the template"));
    } else {
      create.put("name", name).put("visibility", p.get("visibility").asText());
      create.put("auto_init", true);
      if (p.has("description")) {
        create.put("description", p.get("description").asText());
      }
      out.add(
          new PlannedCall("POST", "/orgs/" + owner + "/repos", create, "create the repository"));
    }
    if (p.get("topics").size() > 0) {
      ObjectNode topics = Schemas.MAPPER.createObjectNode();
      topics.set("names", p.get("topics"));
      out.add(
          new PlannedCall(
              "PUT", "/repos/" + owner + "/" + name + "/topics", topics, "set the topics"));
    }
    out.add(
        new PlannedCall(
            "PUT",
            "/repos/" + owner + "/" + name + "/branches/main/protection",
            BaselineProtection.body(),
            "apply the baseline branch protection"));
    return out;
  }
}
