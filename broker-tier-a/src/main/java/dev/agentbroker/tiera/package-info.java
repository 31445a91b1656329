/**
 * Tier A: turning an authenticated caller's request into a down-scoped GitHub App installation
 * token. {@link dev.agentbroker.tiera.TokenService} is the use case (policy, journal, mint, lease);
 * {@link dev.agentbroker.tiera.TokenRequestValidator} is the request syntax; the broker module only
 * adds HTTP.
 */
package dev.agentbroker.tiera;
