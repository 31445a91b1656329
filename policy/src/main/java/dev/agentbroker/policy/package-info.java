/**
 * Public API of the policy module: the policy model ({@link dev.agentbroker.policy.IdentityRule},
 * {@link dev.agentbroker.policy.GrantRule}, verb and egress rules), loading and validation ({@link
 * dev.agentbroker.policy.PolicyCompiler}, {@link dev.agentbroker.policy.PolicyStore}), token
 * request evaluation ({@link dev.agentbroker.policy.CompiledPolicy#evaluate}) with explained {@link
 * dev.agentbroker.policy.Decision}s, and the {@code lint} command line check.
 *
 * <p>Pure Java: no framework, no I/O besides reading the policy file.
 */
package dev.agentbroker.policy;
