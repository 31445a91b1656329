package dev.agentbroker.broker.auth;

import dev.agentbroker.policy.Caller;

/** A verified caller: the policy's view plus whether the issuer is the human-only one. */
public record AuthenticatedCaller(Caller caller, String issuerName, boolean human) {}
