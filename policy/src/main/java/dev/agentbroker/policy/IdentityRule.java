package dev.agentbroker.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A compiled identity: which verified callers it matches and what it may be granted.
 *
 * <p>Patterns are compiled wrapped as {@code ^(?:…)$} so that {@code agent} can never match {@code
 * agent-launcher-evil} and {@code a|b} can never match {@code ab}.
 *
 * @param subject anchored subject pattern; empty means "any subject" (then claims constrain)
 * @param claims claim name to anchored pattern, in file order; every one must match
 */
public record IdentityRule(
    String id,
    String issuer,
    Optional<Pattern> subject,
    Map<String, Pattern> claims,
    Profile profile,
    List<GrantRule> grants) {
  public IdentityRule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(profile, "profile");
    subject = subject == null ? Optional.empty() : subject;
    claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims == null ? Map.of() : claims));
    grants = grants == null ? List.of() : List.copyOf(grants);
    if (subject.isEmpty() && claims.isEmpty()) {
      // Matching every token of an issuer is never what an operator means.
      throw new IllegalArgumentException("identity " + id + " needs a subject or claims");
    }
  }

  /** True when the issuer is exactly equal and the subject and every listed claim match. */
  public boolean matches(Caller caller) {
    if (!issuer.equals(caller.issuer())) {
      return false;
    }
    if (subject.isPresent() && !subject.get().matcher(caller.subject()).matches()) {
      return false;
    }
    for (Map.Entry<String, Pattern> claim : claims.entrySet()) {
      String value = caller.claims().get(claim.getKey());
      if (value == null || !claim.getValue().matcher(value).matches()) {
        return false;
      }
    }
    return true;
  }
}
