/** Test support: TLS/plain origins, certificates, curl runner, proxy harness. */
package dev.agentbroker.egress.support;
