/**
 * Tier B: org-admin work the broker performs itself through an allowlisted verb, with a
 * just-in-time token the caller never sees. {@link dev.agentbroker.tierb.VerbService} runs the
 * fixed per-call steps; rate limits and idempotency live here too.
 */
package dev.agentbroker.tierb;
