/** {@code agent run --inject}: the egress proxy's run-registration API (ADR 0017). */
package dev.agentbroker.sandbox.internal.inject;
