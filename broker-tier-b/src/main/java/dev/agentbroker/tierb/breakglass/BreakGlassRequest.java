package dev.agentbroker.tierb.breakglass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.policy.GitHubPermissions;
import dev.agentbroker.request.Violation;
import dev.agentbroker.tierb.verbs.Verb;
import dev.agentbroker.tierb.verbs.VerbCall;
import dev.agentbroker.tierb.verbs.VerbCatalog;
import dev.agentbroker.tierb.verbs.VerbInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A parsed {@code POST /breakglass/requests} body. Strict like every broker input: unknown members,
 * wrong types and unknown permissions are refused, all problems reported at once. A verb's
 * parameters go through the verb's own schema here, so approvers only ever see valid calls.
 */
public record BreakGlassRequest(Elevation elevation, String justification, Duration duration) {
  static final Pattern LOGIN = Pattern.compile("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$");
  public static final int MIN_JUSTIFICATION = 10;
  public static final int MAX_JUSTIFICATION = 1000;
  private static final Set<String> TOKEN_FIELDS =
      Set.of("kind", "owner", "permissions", "justification", "duration_minutes");
  private static final Set<String> VERB_FIELDS =
      Set.of("kind", "verb", "params", "justification", "duration_minutes");

  public static BreakGlassRequest parse(JsonNode body) throws VerbInputException {
    List<Violation> v = new ArrayList<>();
    if (body == null || !body.isObject()) {
      throw new VerbInputException(List.of(new Violation("", "must be a JSON object")));
    }
    String kind = body.path("kind").isTextual() ? body.get("kind").asText() : null;
    Set<String> allowed;
    if (Elevation.KIND_TOKEN.equals(kind)) {
      allowed = TOKEN_FIELDS;
    } else if (Elevation.KIND_VERB.equals(kind)) {
      allowed = VERB_FIELDS;
    } else {
      throw new VerbInputException(
          List.of(new Violation("kind", "must be 'installation-token' or 'verb'")));
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        v.add(new Violation(f, "unknown member"));
      }
    }
    String justification = justification(body.get("justification"), v);
    Duration duration = null;
    JsonNode d = body.get("duration_minutes");
    if (d == null || !d.isIntegralNumber() || d.asLong() < 1 || d.asLong() > 60) {
      v.add(new Violation("duration_minutes", "an integer from 1 to 60 is required"));
    } else {
      duration = Duration.ofMinutes(d.asLong());
    }
    Elevation e = Elevation.KIND_TOKEN.equals(kind) ? token(body, v) : verb(body, v).orElse(null);
    if (!v.isEmpty()) {
      throw new VerbInputException(v);
    }
    return new BreakGlassRequest(e, justification, duration);
  }

  private static String justification(JsonNode j, List<Violation> v) {
    if (j == null || !j.isTextual()) {
      v.add(new Violation("justification", "a text is required"));
      return null;
    }
    String s = j.asText().strip();
    if (s.length() < MIN_JUSTIFICATION || s.length() > MAX_JUSTIFICATION) {
      v.add(
          new Violation(
              "justification",
              "between " + MIN_JUSTIFICATION + " and " + MAX_JUSTIFICATION + " characters"));
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < ' ' && c != '\n') || c == 0x7f) {
        v.add(new Violation("justification", "control characters are not allowed"));
        break;
      }
    }
    return s;
  }

  private static Elevation token(JsonNode body, List<Violation> v) {
    JsonNode o = body.get("owner");
    String owner = o != null && o.isTextual() ? o.asText() : null;
    if (owner == null || !LOGIN.matcher(owner).matches()) {
      v.add(new Violation("owner", "an organization login is required"));
    }
    Map<String, String> perms = new TreeMap<>();
    JsonNode p = body.get("permissions");
    if (p == null || !p.isObject() || p.isEmpty()) {
      v.add(new Violation("permissions", "a non-empty object of GitHub permissions is required"));
    } else {
      p.fields()
          .forEachRemaining(
              f -> {
                String level = f.getValue().isTextual() ? f.getValue().asText() : "";
                Optional<String> problem = GitHubPermissions.problem(f.getKey(), level);
                if (problem.isPresent()) {
                  v.add(new Violation("permissions." + f.getKey(), problem.get()));
                } else {
                  perms.put(f.getKey(), level);
                }
              });
    }
    return owner == null ? null : new Elevation.InstallationWideToken(owner, perms);
  }

  private static Optional<Elevation> verb(JsonNode body, List<Violation> v) {
    JsonNode n = body.get("verb");
    Optional<Verb> verb =
        n != null && n.isTextual() ? VerbCatalog.find(n.asText()) : Optional.empty();
    if (verb.isEmpty()) {
      v.add(new Violation("verb", "a verb of the catalog (GET /verbs) is required"));
      return Optional.empty();
    }
    JsonNode params = body.get("params");
    if (params == null || !params.isObject()) {
      v.add(new Violation("params", "the verb's parameters object is required"));
      return Optional.empty();
    }
    try {
      VerbCall call = verb.get().parse(params);
      if (call.dryRun()) {
        v.add(new Violation("params.dry_run", "use GET /verbs or POST /verbs for a dry run"));
        return Optional.empty();
      }
      return Optional.of(new Elevation.VerbAction(verb.get().name(), call.owner(), call.params()));
    } catch (VerbInputException e) {
      e.violations()
          .forEach(
              x ->
                  v.add(
                      new Violation(
                          x.field().startsWith("/") ? "params" + x.field() : "params." + x.field(),
                          x.message())));
      return Optional.empty();
    }
  }

  /** Re-parses a stored verb elevation: the schema is checked again when the grant is used. */
  static VerbCall call(Elevation.VerbAction a) throws VerbInputException {
    Verb verb =
        VerbCatalog.find(a.verb())
            .orElseThrow(
                () ->
                    new VerbInputException(
                        List.of(new Violation("verb", "no longer in the catalog"))));
    ObjectNode params = a.params().deepCopy();
    return verb.parse(params);
  }
}
