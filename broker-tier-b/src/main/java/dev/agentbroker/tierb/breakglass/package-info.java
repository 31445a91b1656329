/**
 * Break-glass: a human asks for an elevation (an installation-wide token, or a catalog verb outside
 * the agents' grants) with a justification; a second human approves; the requester uses the grant
 * exactly once. Every step is a high-severity audit event journaled before it takes effect; state
 * survives restarts through a {@link dev.agentbroker.tierb.breakglass.GrantStore}. Framework-free:
 * the broker supplies verified humans and renders the outcomes.
 */
package dev.agentbroker.tierb.breakglass;
