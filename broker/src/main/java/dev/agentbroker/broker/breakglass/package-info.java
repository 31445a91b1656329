/**
 * Break-glass over HTTP: the {@code /breakglass} API for humans (human-only issuer), the wiring of
 * Tier B's {@link dev.agentbroker.tierb.breakglass.BreakGlassService}, the expiry sweep and the
 * security headers of the static web page under {@code /breakglass/}.
 */
package dev.agentbroker.broker.breakglass;
