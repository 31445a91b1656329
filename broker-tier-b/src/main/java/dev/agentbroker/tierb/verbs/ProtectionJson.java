package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.tierb.verbs.ProtectionMerge.Unexpressible;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Branch protection in one canonical form, the PUT body's: GitHub's GET answer ({@code
 * enforce_admins: {enabled}}, users as objects with {@code login}, teams and apps with {@code
 * slug}) and a PUT body both become {@code enforce_admins: true}, users as logins, teams and apps
 * as slugs, every boolean present, status checks as {@code checks} with {@code app_id} ({@code -1}
 * for "any app", GitHub's null in a GET) and an empty deprecated {@code contexts}. Anything
 * unexpected is {@link Unexpressible}: the merge refuses rather than guess.
 */
final class ProtectionJson {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<String> ACTORS = List.of("users", "teams", "apps");

  private ProtectionJson() {}

  /** Canonical form of a GET answer. */
  static ObjectNode fromGet(JsonNode get) throws Unexpressible {
    if (get == null || !get.isObject()) {
      throw new Unexpressible("the answer is not an object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = get.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!known(e.getKey()) && !ProtectionMerge.passive(e.getKey())) {
        // A setting this code does not know, switched on: re-sending without it would drop it.
        if (e.getValue().path("enabled").asBoolean(false)) {
          throw new Unexpressible("unknown setting '" + e.getKey() + "'");
        }
      }
    }
    ObjectNode out = MAPPER.createObjectNode();
    out.set("required_status_checks", checksFromGet(get.get("required_status_checks")));
    for (String k : ProtectionMerge.STRONG_WHEN_TRUE) {
      out.put(k, enabled(get, k));
    }
    out.set(
        "required_pull_request_reviews", reviews(get.get("required_pull_request_reviews"), true));
    out.set("restrictions", actors(get.get("restrictions"), "restrictions", true));
    for (String k : ProtectionMerge.STRONG_WHEN_FALSE) {
      out.put(k, enabled(get, k));
    }
    return out;
  }

  /** Canonical form of a PUT body (the baseline). */
  static ObjectNode fromPut(JsonNode put) throws Unexpressible {
    ObjectNode out = MAPPER.createObjectNode();
    JsonNode c = put.get("required_status_checks");
    if (c == null || c.isNull()) {
      out.putNull("required_status_checks");
    } else {
      ObjectNode rsc = MAPPER.createObjectNode();
      rsc.put("strict", c.path("strict").asBoolean(false));
      rsc.putArray("contexts");
      ArrayNode checks = rsc.putArray("checks");
      for (JsonNode ctx : c.path("contexts")) {
        checks.add(check(ctx.asText(), -1));
      }
      for (JsonNode ch : c.path("checks")) {
        checks.add(check(ch.path("context").asText(), ch.path("app_id").asLong(-1)));
      }
      out.set("required_status_checks", rsc);
    }
    for (String k : ProtectionMerge.STRONG_WHEN_TRUE) {
      out.put(k, put.path(k).asBoolean(false));
    }
    out.set(
        "required_pull_request_reviews", reviews(put.get("required_pull_request_reviews"), false));
    out.set("restrictions", actors(put.get("restrictions"), "restrictions", false));
    for (String k : ProtectionMerge.STRONG_WHEN_FALSE) {
      out.put(k, put.path(k).asBoolean(false));
    }
    return out;
  }

  static int actorCount(JsonNode restrictions) {
    int n = 0;
    if (restrictions != null && restrictions.isObject()) {
      for (String k : ACTORS) {
        n += restrictions.path(k).size();
      }
    }
    return n;
  }

  private static boolean known(String key) {
    return key.equals("required_status_checks")
        || key.equals("required_pull_request_reviews")
        || key.equals("restrictions")
        || ProtectionMerge.STRONG_WHEN_TRUE.contains(key)
        || ProtectionMerge.STRONG_WHEN_FALSE.contains(key);
  }

  private static boolean enabled(JsonNode get, String key) throws Unexpressible {
    JsonNode n = get.get(key);
    if (n == null || n.isNull()) {
      return false;
    }
    JsonNode e = n.get("enabled");
    if (!n.isObject() || e == null || !e.isBoolean()) {
      throw new Unexpressible("'" + key + "' has no boolean 'enabled'");
    }
    return e.asBoolean();
  }

  private static JsonNode checksFromGet(JsonNode c) throws Unexpressible {
    if (c == null || c.isNull()) {
      return MAPPER.nullNode();
    }
    if (!c.isObject() || !c.path("strict").isBoolean()) {
      throw new Unexpressible("'required_status_checks' has no boolean 'strict'");
    }
    ObjectNode out = MAPPER.createObjectNode();
    out.put("strict", c.get("strict").asBoolean());
    out.putArray("contexts");
    ArrayNode checks = out.putArray("checks");
    java.util.Set<String> named = new java.util.HashSet<>();
    for (JsonNode ch : array(c, "checks", false)) {
      JsonNode ctx = ch.get("context");
      JsonNode app = ch.get("app_id");
      if (ctx == null
          || !ctx.isTextual()
          || (app != null && !app.isNull() && !app.isIntegralNumber())) {
        throw new Unexpressible("a required check has no name or a non-integer app_id");
      }
      checks.add(check(ctx.asText(), app == null || app.isNull() ? -1 : app.asLong()));
      named.add(ctx.asText());
    }
    // Older answers list only "contexts"; a context without a check entry comes from any app.
    for (JsonNode ctx : array(c, "contexts", false)) {
      if (!ctx.isTextual()) {
        throw new Unexpressible("a required context is not a string");
      }
      if (named.add(ctx.asText())) {
        checks.add(check(ctx.asText(), -1));
      }
    }
    return out;
  }

  private static ObjectNode check(String context, long appId) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("context", context).put("app_id", appId);
    return n;
  }

  private static JsonNode reviews(JsonNode r, boolean fromGet) throws Unexpressible {
    if (r == null || r.isNull()) {
      return MAPPER.nullNode();
    }
    if (!r.isObject()) {
      throw new Unexpressible("'required_pull_request_reviews' is not an object");
    }
    ObjectNode out = MAPPER.createObjectNode();
    for (String k : ProtectionMerge.REVIEW_FLAGS) {
      JsonNode v = r.get(k);
      if (v != null && !v.isNull() && !v.isBoolean()) {
        throw new Unexpressible("'" + k + "' is not a boolean");
      }
      out.put(k, v != null && v.asBoolean());
    }
    JsonNode count = r.get("required_approving_review_count");
    if (count != null && !count.isNull() && !count.isIntegralNumber()) {
      throw new Unexpressible("'required_approving_review_count' is not an integer");
    }
    out.put("required_approving_review_count", count == null ? 0 : count.asInt());
    for (String k : List.of("dismissal_restrictions", "bypass_pull_request_allowances")) {
      if (r.has(k) && !r.get(k).isNull()) {
        out.set(k, actors(r.get(k), k, fromGet));
      }
    }
    return out;
  }

  /** Users, teams and apps as logins/slugs; GitHub's GET gives objects, a PUT gives names. */
  private static JsonNode actors(JsonNode n, String what, boolean fromGet) throws Unexpressible {
    if (n == null || n.isNull()) {
      return MAPPER.nullNode();
    }
    if (!n.isObject()) {
      throw new Unexpressible("'" + what + "' is not an object");
    }
    ObjectNode out = MAPPER.createObjectNode();
    for (String k : ACTORS) {
      ArrayNode names = out.putArray(k);
      for (JsonNode a : array(n, k, false)) {
        String field = k.equals("users") ? "login" : "slug";
        JsonNode name = fromGet ? a.get(field) : a;
        if (name == null || !name.isTextual() || name.asText().isEmpty()) {
          throw new Unexpressible("'" + what + "." + k + "' has an entry without a " + field);
        }
        names.add(name.asText());
      }
    }
    return out;
  }

  private static JsonNode array(JsonNode parent, String key, boolean required)
      throws Unexpressible {
    JsonNode a = parent.get(key);
    if (a == null || a.isNull()) {
      if (required) {
        throw new Unexpressible("'" + key + "' is missing");
      }
      return MAPPER.createArrayNode();
    }
    if (!a.isArray()) {
      throw new Unexpressible("'" + key + "' is not an array");
    }
    return a;
  }
}
