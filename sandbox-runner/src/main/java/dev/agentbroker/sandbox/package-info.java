/**
 * The {@code agent} CLI: launches agents in sandboxes whose only GitHub credential is a
 * broker-minted, one-repository token and whose only network path is the egress proxy. Public:
 * {@link dev.agentbroker.sandbox.AgentMain} (the entry point), {@link
 * dev.agentbroker.sandbox.ExitCode} and {@link dev.agentbroker.sandbox.AgentException}; everything
 * else lives in {@code internal} packages. Talks to the broker over HTTP only.
 */
package dev.agentbroker.sandbox;
