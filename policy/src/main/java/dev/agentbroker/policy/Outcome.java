package dev.agentbroker.policy;

/** Result of a policy evaluation. Anything not explicitly allowed is denied. */
public enum Outcome {
  ALLOW,
  DENY
}
