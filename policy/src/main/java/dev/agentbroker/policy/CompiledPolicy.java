package dev.agentbroker.policy;

import dev.agentbroker.policy.internal.Evaluator;
import dev.agentbroker.policy.internal.VerbEvaluator;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, validated policy. Safe to share between threads; obtain one from {@link
 * PolicyCompiler} or {@link PolicyStore}.
 */
public final class CompiledPolicy {
  private final String sourceName;
  private final String sourceSha256;
  private final List<IdentityRule> identities;
  private final Map<String, VerbRule> verbs;
  private final EgressPolicy egress;
  private final Map<Profile, ProfileSettings> settings;

  CompiledPolicy(
      String sourceName,
      String sourceSha256,
      List<IdentityRule> identities,
      Map<String, VerbRule> verbs,
      EgressPolicy egress,
      Map<Profile, ProfileSettings> settings) {
    this.sourceName = sourceName;
    this.sourceSha256 = sourceSha256;
    this.identities = List.copyOf(identities);
    this.verbs = Collections.unmodifiableMap(new LinkedHashMap<>(verbs));
    this.egress = egress;
    EnumMap<Profile, ProfileSettings> all = new EnumMap<>(Profile.class);
    for (Profile p : Profile.values()) {
      all.put(p, settings.getOrDefault(p, ProfileSettings.defaults(p)));
    }
    this.settings = Collections.unmodifiableMap(all);
  }

  /** Decides a token request. Deny by default; never throws for well-formed records. */
  public Decision evaluate(Caller caller, TokenRequest request) {
    return Evaluator.evaluate(this, caller, request);
  }

  /**
   * Decides a Tier B verb call: {@code params} are the call's constrainable string parameters (e.g.
   * owner, name, visibility). Deny by default; the decision never carries a scope. Reasons: {@code
   * no_matching_identity}, {@code verb_not_granted}, {@code parameter_not_allowed} (a parameter the
   * rule does not list, or a value it rejects), {@code parameter_required} (a parameter the rule
   * constrains is missing), {@code allowed}.
   */
  public Decision evaluateVerb(Caller caller, String verb, Map<String, String> params) {
    return VerbEvaluator.evaluate(this, caller, verb, params);
  }

  /**
   * Decides the parameters of a break-glass verb grant: who may call the verb is not checked (a
   * second human approves instead), but a rule's parameter constraints still apply. Without a rule
   * for the verb: {@code allowed}, rule {@code break-glass}.
   */
  public Decision evaluateBreakGlassVerb(String verb, Map<String, String> params) {
    return VerbEvaluator.evaluateBreakGlass(this, verb, params);
  }

  /** First identity in file order whose issuer is equal and whose subject/claims all match. */
  public Optional<IdentityRule> identify(Caller caller) {
    for (IdentityRule identity : identities) {
      if (identity.matches(caller)) {
        return Optional.of(identity);
      }
    }
    return Optional.empty();
  }

  /** Lowercase hex SHA-256 of the exact source text (UTF-8), for audit records. */
  public String sourceSha256() {
    return sourceSha256;
  }

  public String sourceName() {
    return sourceName;
  }

  public List<IdentityRule> identities() {
    return identities;
  }

  public Map<String, VerbRule> verbs() {
    return verbs;
  }

  public EgressPolicy egress() {
    return egress;
  }

  public ProfileSettings settings(Profile profile) {
    return settings.get(profile);
  }
}
