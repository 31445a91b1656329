/**
 * The GitHub credential-injecting mode of the egress proxy ({@code inject: github}, ADR 0017): TLS
 * termination for GitHub's hosts with leaf certificates from a per-process CA, a pure routing
 * decision per request ({@link dev.agentbroker.egress.internal.inject.InjectRouter}), run
 * registration over an authenticated loopback API, and broker-minted tokens added by the proxy.
 */
package dev.agentbroker.egress.internal.inject;
