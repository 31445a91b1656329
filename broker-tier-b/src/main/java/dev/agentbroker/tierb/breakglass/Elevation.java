package dev.agentbroker.tierb.breakglass;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** What a human asks for. Sealed: a new kind of elevation needs a reviewed code change. */
public sealed interface Elevation permits Elevation.InstallationWideToken, Elevation.VerbAction {
  String KIND_TOKEN = "installation-token";
  String KIND_VERB = "verb";

  /** {@code installation-token} or {@code verb}. */
  String kind();

  /** The organization (installation) the elevation acts on. */
  String owner();

  /**
   * An installation-wide token for {@code owner} with exactly {@code permissions} (GitHub's
   * vocabulary), handed to the requesting human once.
   */
  record InstallationWideToken(String owner, Map<String, String> permissions) implements Elevation {
    public InstallationWideToken {
      Objects.requireNonNull(owner, "owner");
      permissions = java.util.Collections.unmodifiableMap(new TreeMap<>(permissions));
    }

    @Override
    public String kind() {
      return KIND_TOKEN;
    }
  }

  /**
   * A catalog verb performed by the broker for the human. {@code params} are the verb's normalized
   * parameters (already schema-checked when the request was accepted, checked again on use).
   */
  record VerbAction(String verb, String owner, ObjectNode params) implements Elevation {
    public VerbAction {
      Objects.requireNonNull(verb, "verb");
      Objects.requireNonNull(owner, "owner");
      params = params.deepCopy();
    }

    @Override
    public String kind() {
      return KIND_VERB;
    }
  }
}
