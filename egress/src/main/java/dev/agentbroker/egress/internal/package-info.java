/** Implementation of the egress proxy: request parsing, allowlist decisions, relaying. Not API. */
package dev.agentbroker.egress.internal;
