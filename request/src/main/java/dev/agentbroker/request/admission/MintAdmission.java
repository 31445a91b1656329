package dev.agentbroker.request.admission;

/**
 * The rate-limit port of Tier A's mint. {@code TokenService} calls it exactly once per mint, after
 * the policy decision (so the decision it spends against is the one enforced) and before anything
 * is journaled or minted; a refusal is then journaled like every other decision.
 */
@FunctionalInterface
public interface MintAdmission {
  /** Admits every request and spends nothing: for tests and tools with no limits configured. */
  MintAdmission UNLIMITED = (identityId, callsGitHub) -> Admission.UNCOUNTED;

  /**
   * Spends one unit of the identity's {@code POST /token} budget and, only when the request will
   * call GitHub ({@code callsGitHub}: the policy allowed it), one unit of the App-wide GitHub
   * budget. Never throws: a store outage is {@link Admission.Result#UNAVAILABLE} (fail closed) or,
   * where the deployment chose so, a local fallback decision.
   */
  Admission admit(String identityId, boolean callsGitHub);
}
