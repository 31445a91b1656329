package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentbroker.request.Violation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Strict reading of a verb body: unknown fields refused, types never coerced. */
final class Fields {
  static final Pattern LOGIN = Pattern.compile("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$");
  // Names go into GitHub API paths: "." and ".." (not allowed by GitHub either) would be dot
  // segments, and so would a branch with empty or dot-led components (git's check-ref-format
  // refuses those too). Found by VerbBodyFuzzTest.
  static final Pattern REPO = Pattern.compile("^(?!\\.{1,2}$)[A-Za-z0-9._-]{1,100}$");
  static final Pattern TOPIC = Pattern.compile("^[a-z0-9][a-z0-9-]{0,49}$");
  static final Pattern SLUG = Pattern.compile("^[a-z0-9][a-z0-9-]{0,99}$");
  static final Pattern BRANCH =
      Pattern.compile("^(?![./])(?!.*//)(?!.*/\\.)(?!.*\\.\\.)(?!.*/$)[A-Za-z0-9._/-]{1,255}$");

  final JsonNode body;
  final List<Violation> violations = new ArrayList<>();

  Fields(JsonNode body, Set<String> allowed) {
    // A non-object body is one violation; the field getters then see no fields at all.
    this.body = body != null && body.isObject() ? body : null;
    if (this.body == null) {
      violations.add(new Violation("/", "the body must be a JSON object"));
      return;
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f) && !"dry_run".equals(f)) {
        violations.add(new Violation("/" + f, "unknown field"));
      }
    }
  }

  boolean ok() {
    return violations.isEmpty();
  }

  String string(String name, boolean required, Pattern pattern, int maxLength) {
    JsonNode n = body == null ? null : body.get(name);
    if (n == null || n.isNull()) {
      if (required && body != null) {
        violations.add(new Violation("/" + name, "required"));
      }
      return null;
    }
    if (!n.isTextual()) {
      violations.add(new Violation("/" + name, "must be a string"));
      return null;
    }
    String v = n.asText();
    if (v.length() > maxLength) {
      violations.add(new Violation("/" + name, "longer than " + maxLength + " characters"));
      return null;
    }
    if (pattern != null && !pattern.matcher(v).matches()) {
      violations.add(new Violation("/" + name, "does not match " + pattern.pattern()));
      return null;
    }
    return v;
  }

  String oneOf(String name, Set<String> values, String dflt) {
    String v = string(name, false, null, 64);
    if (v == null) {
      return body != null && body.has(name) && !body.get(name).isNull() ? null : dflt;
    }
    if (!values.contains(v)) {
      violations.add(new Violation("/" + name, "must be one of " + values));
      return null;
    }
    return v;
  }

  List<String> strings(String name, Pattern pattern, int maxItems) {
    JsonNode n = body == null ? null : body.get(name);
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      violations.add(new Violation("/" + name, "must be an array of strings"));
      return out;
    }
    if (n.size() > maxItems) {
      violations.add(new Violation("/" + name, "at most " + maxItems + " items"));
      return out;
    }
    for (int i = 0; i < n.size(); i++) {
      JsonNode x = n.get(i);
      if (!x.isTextual() || !pattern.matcher(x.asText()).matches()) {
        violations.add(new Violation("/" + name + "/" + i, "does not match " + pattern.pattern()));
      } else if (out.contains(x.asText())) {
        violations.add(new Violation("/" + name + "/" + i, "duplicate"));
      } else {
        out.add(x.asText());
      }
    }
    return out;
  }

  boolean dryRun() {
    JsonNode n = body == null ? null : body.get("dry_run");
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      violations.add(new Violation("/dry_run", "must be a boolean"));
      return false;
    }
    return n.asBoolean();
  }
}
