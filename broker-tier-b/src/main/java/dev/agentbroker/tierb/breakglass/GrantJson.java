package dev.agentbroker.tierb.breakglass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One JSON shape for a grant, used both by the store and by the API (the grant holds no secret, so
 * they can be the same). Times are ISO-8601 strings; absent values are omitted.
 */
public final class GrantJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private GrantJson() {}

  public static ObjectNode toJson(Grant g) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("id", g.id());
    n.put("state", g.state().wire());
    n.put("kind", g.elevation().kind());
    n.put("owner", g.elevation().owner());
    if (g.elevation() instanceof Elevation.InstallationWideToken t) {
      ObjectNode p = n.putObject("permissions");
      t.permissions().forEach(p::put);
    } else if (g.elevation() instanceof Elevation.VerbAction v) {
      n.put("verb", v.verb());
      n.set("params", v.params().deepCopy());
    }
    n.put("justification", g.justification());
    n.put("duration_minutes", g.duration().toMinutes());
    person(n, "requester", g.requester());
    time(n, "requested_at", g.requestedAt());
    time(n, "pending_until", g.pendingUntil());
    person(n, "decided_by", g.decidedBy());
    time(n, "decided_at", g.decidedAt());
    text(n, "note", g.note());
    time(n, "usable_until", g.usableUntil());
    time(n, "used_at", g.usedAt());
    text(n, "token_sha256", g.tokenSha256());
    time(n, "token_expires_at", g.tokenExpiresAt());
    text(n, "result", g.result());
    return n;
  }

  /**
   * The stored text of {@code g}: {@link #toJson} of the grant read back once, so equal grants give
   * equal text (a permission map's order, for one, is fixed by the read). A shared store compares
   * this text for its compare-and-set.
   */
  public static String toText(Grant g) {
    try {
      return MAPPER.writeValueAsString(toJson(fromJson(toJson(g))));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads {@link #toText}; anything else (not JSON, a member missing) throws. */
  public static Grant fromText(String text) {
    try {
      return fromJson(MAPPER.readTree(text));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON", e);
    }
  }

  /** Reads what {@link #toJson} wrote; any missing or malformed member throws. */
  static Grant fromJson(JsonNode n) {
    String kind = req(n, "kind");
    String owner = req(n, "owner");
    Elevation e;
    if (Elevation.KIND_TOKEN.equals(kind)) {
      Map<String, String> perms = new TreeMap<>();
      JsonNode p = n.get("permissions");
      if (p == null || !p.isObject()) {
        throw new IllegalArgumentException("grant without permissions");
      }
      p.fields().forEachRemaining(f -> perms.put(f.getKey(), f.getValue().asText()));
      e = new Elevation.InstallationWideToken(owner, perms);
    } else if (Elevation.KIND_VERB.equals(kind)) {
      JsonNode params = n.get("params");
      if (params == null || !params.isObject()) {
        throw new IllegalArgumentException("verb grant without params");
      }
      e = new Elevation.VerbAction(req(n, "verb"), owner, (ObjectNode) params);
    } else {
      throw new IllegalArgumentException("unknown grant kind " + kind);
    }
    return new Grant(
        req(n, "id"),
        e,
        req(n, "justification"),
        Duration.ofMinutes(n.path("duration_minutes").asLong(-1)),
        human(n, "requester"),
        Instant.parse(req(n, "requested_at")),
        Instant.parse(req(n, "pending_until")),
        GrantState.ofWire(req(n, "state")),
        human(n, "decided_by"),
        instant(n, "decided_at"),
        opt(n, "note"),
        instant(n, "usable_until"),
        instant(n, "used_at"),
        opt(n, "token_sha256"),
        instant(n, "token_expires_at"),
        opt(n, "result"));
  }

  private static void person(ObjectNode n, String name, Human h) {
    if (h != null) {
      ObjectNode o = n.putObject(name).put("iss", h.issuer()).put("sub", h.subject());
      if (h.person() != null) {
        o.put("person", h.person());
      }
    }
  }

  private static void time(ObjectNode n, String name, Instant t) {
    if (t != null) {
      n.put(name, t.toString());
    }
  }

  private static void text(ObjectNode n, String name, String v) {
    if (v != null) {
      n.put(name, v);
    }
  }

  private static String req(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("missing or non-text member '" + name + "'");
    }
    return v.asText();
  }

  private static String opt(JsonNode n, String name) {
    JsonNode v = n.get(name);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant instant(JsonNode n, String name) {
    String v = opt(n, name);
    return v == null ? null : Instant.parse(v);
  }

  private static Human human(JsonNode n, String name) {
    JsonNode h = n.get(name);
    if (h == null || h.isNull()) {
      return null;
    }
    // Only human callers ever reach the store, so the flag is restored as true.
    // Grants stored before the person was recorded have none: they compare by account.
    return new Human(req(h, "iss"), req(h, "sub"), opt(h, "person"), true);
  }
}
