package dev.agentbroker.sandbox.internal.broker;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The broker's answer to {@code POST /token/explain}: the decision, why, and the exact scope. */
public record Explanation(
    boolean allowed,
    String reason,
    String ruleId,
    Optional<String> identityId,
    Optional<String> profile,
    List<String> explanation,
    Map<String, String> scopePermissions,
    List<String> scopeRepositories) {}
