/**
 * The shared state store of several broker replicas ({@code broker.state.store}): one Redis client,
 * the sealing of secrets before they reach Redis, and the fail-closed {@link
 * dev.agentbroker.broker.state.StateUnavailableException}. See ADR 0020.
 */
package dev.agentbroker.broker.state;
