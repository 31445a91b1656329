package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Only-strengthen merge of branch protection (ADR 0012). GitHub's PUT replaces the whole setting,
 * so the body sent is the current protection (GET) merged with the baseline: status checks are the
 * union, the approving-review count the maximum, every "require"/"enforce" flag true if either is,
 * every "allow" flag true only if both are, and restrictions (push, review dismissal, bypass) are
 * kept as they are. When the current setting is already at least as strong, nothing is sent; when
 * it holds something this merge cannot express, nothing is sent and the call is refused.
 */
final class ProtectionMerge implements StateMerge {
  /** GitHub's answer for a branch that has no protection (404). */
  static final String NOT_PROTECTED = "Branch not protected";

  /** Boolean settings where true is stronger ("require"/"enforce"/"block"/"lock"). */
  static final List<String> STRONG_WHEN_TRUE =
      List.of(
          "enforce_admins",
          "required_linear_history",
          "block_creations",
          "required_conversation_resolution",
          "lock_branch");

  /** Boolean settings where false is stronger ("allow"). */
  static final List<String> STRONG_WHEN_FALSE =
      List.of("allow_force_pushes", "allow_deletions", "allow_fork_syncing");

  static final List<String> REVIEW_FLAGS =
      List.of("dismiss_stale_reviews", "require_code_owner_reviews", "require_last_push_approval");

  /** GET keys that are descriptive, or settings the PUT does not carry (own endpoints). */
  private static final Set<String> PASSIVE =
      Set.of("url", "name", "enabled", "protection_url", "required_signatures");

  private static final int MAX_REVIEWS = 6;
  private static final int MAX_ACTORS = 100;

  private final ObjectNode baseline;

  ProtectionMerge(JsonNode baselinePutBody) {
    try {
      this.baseline = ProtectionJson.fromPut(baselinePutBody);
    } catch (Unexpressible e) {
      throw new IllegalArgumentException("baseline protection: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean absent(int status, String message) {
    return status == 404 && NOT_PROTECTED.equals(message);
  }

  @Override
  public Result merge(Optional<JsonNode> current) {
    if (current.isEmpty()) {
      return new Write(baseline.deepCopy());
    }
    ObjectNode now;
    try {
      now = ProtectionJson.fromGet(current.get());
    } catch (Unexpressible e) {
      return new Refuse("the current protection cannot be merged: " + e.getMessage());
    }
    ObjectNode merged = merge(now, baseline);
    int actors = ProtectionJson.actorCount(merged.get("restrictions"));
    if (actors > MAX_ACTORS) {
      return new Refuse("the merged restrictions exceed GitHub's 100 users, teams and apps");
    }
    if (merged.equals(now)) {
      return new Unchanged("the current protection is already at least as strong as the baseline");
    }
    return new Write(merged);
  }

  /** The merge of two canonical PUT bodies; {@code a} is the current one and wins on lists. */
  static ObjectNode merge(ObjectNode a, ObjectNode b) {
    ObjectNode m = ProtectionJson.MAPPER.createObjectNode();
    m.set(
        "required_status_checks",
        checks(a.get("required_status_checks"), b.get("required_status_checks")));
    for (String k : STRONG_WHEN_TRUE) {
      m.put(k, a.get(k).asBoolean() || b.get(k).asBoolean());
    }
    m.set(
        "required_pull_request_reviews",
        reviews(a.get("required_pull_request_reviews"), b.get("required_pull_request_reviews")));
    // Push restrictions are kept as they are: adding or removing people would change who may push.
    m.set(
        "restrictions",
        a.get("restrictions").isNull() ? b.get("restrictions") : a.get("restrictions"));
    for (String k : STRONG_WHEN_FALSE) {
      m.put(k, a.get(k).asBoolean() && b.get(k).asBoolean());
    }
    return m;
  }

  private static JsonNode checks(JsonNode a, JsonNode b) {
    if (a.isNull()) {
      return b;
    }
    if (b.isNull()) {
      return a;
    }
    ObjectNode out = ProtectionJson.MAPPER.createObjectNode();
    out.put("strict", a.get("strict").asBoolean() || b.get("strict").asBoolean());
    out.putArray("contexts");
    Set<JsonNode> union = new LinkedHashSet<>();
    a.get("checks").forEach(union::add);
    b.get("checks").forEach(union::add);
    ArrayNode arr = out.putArray("checks");
    union.forEach(arr::add);
    return out;
  }

  private static JsonNode reviews(JsonNode a, JsonNode b) {
    if (a.isNull()) {
      return b;
    }
    if (b.isNull()) {
      return a;
    }
    ObjectNode out = ProtectionJson.MAPPER.createObjectNode();
    for (String k : REVIEW_FLAGS) {
      out.put(k, a.get(k).asBoolean() || b.get(k).asBoolean());
    }
    out.put(
        "required_approving_review_count",
        Math.min(
            MAX_REVIEWS,
            Math.max(
                a.get("required_approving_review_count").asInt(),
                b.get("required_approving_review_count").asInt())));
    // Who may dismiss reviews or bypass them stays as it is today (the baseline names nobody).
    for (String k : List.of("dismissal_restrictions", "bypass_pull_request_allowances")) {
      if (a.has(k)) {
        out.set(k, a.get(k));
      } else if (b.has(k)) {
        out.set(k, b.get(k));
      }
    }
    return out;
  }

  /** Thrown when a protection setting has a shape the merge does not understand. */
  static final class Unexpressible extends Exception {
    private static final long serialVersionUID = 1L;

    Unexpressible(String message) {
      super(message);
    }
  }

  static boolean passive(String key) {
    return PASSIVE.contains(key);
  }
}
