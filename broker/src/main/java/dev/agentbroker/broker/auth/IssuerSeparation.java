package dev.agentbroker.broker.auth;

import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.broker.config.IssuerPresets;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.IdentityRule;
import dev.agentbroker.policy.PolicyProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Keeps human and agent issuers apart: a policy identity (which agents mint tokens through) must
 * not name an issuer marked {@code human=true}, or a person's sign-in token would mint agent tokens
 * and break-glass's two-person rule would have a side door. Run by the policy store at start-up and
 * on every reload, so such a policy is refused like one that does not compile.
 */
public final class IssuerSeparation {
  private IssuerSeparation() {}

  /** The check for {@code PolicyStore.open}: one problem per identity on a human issuer. */
  public static Function<CompiledPolicy, List<PolicyProblem>> check(BrokerConfig.Jwt jwt) {
    Map<String, String> human = new LinkedHashMap<>(); // issuer value -> configured name
    jwt.issuers()
        .forEach(
            (name, i) -> {
              IssuerPresets.Resolved r = IssuerPresets.resolve(name, i, new ArrayList<>());
              if (r.human()) {
                human.put(r.issuer(), name);
              }
            });
    return policy -> {
      List<PolicyProblem> out = new ArrayList<>();
      for (IdentityRule id : policy.identities()) {
        String name = human.get(id.issuer());
        if (name != null) {
          out.add(
              new PolicyProblem(
                  policy.sourceName(),
                  0,
                  0,
                  "identities." + id.id() + ".issuer",
                  "'"
                      + id.issuer()
                      + "' is the human-only issuer (broker.jwt.issuers."
                      + name
                      + ".human=true); agent identities need an agent issuer"));
        }
      }
      return out;
    };
  }
}
