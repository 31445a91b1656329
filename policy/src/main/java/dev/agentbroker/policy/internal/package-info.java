/**
 * Implementation of the policy module, not for use by other modules: YAML node walking into
 * position-carrying wire records, value validation and compilation into rule records, glob and
 * network parsing, and the token-request evaluator.
 */
package dev.agentbroker.policy.internal;
