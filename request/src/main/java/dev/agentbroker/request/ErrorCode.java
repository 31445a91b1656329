package dev.agentbroker.request;

/**
 * Stable problem codes returned to callers. The wire value never changes once published: clients
 * and dashboards key on it.
 */
public enum ErrorCode {
  UNAUTHENTICATED("unauthenticated", 401, "Authentication required"),
  INVALID_REQUEST("invalid_request", 400, "Invalid request"),
  POLICY_DENIED("policy_denied", 403, "Denied by policy"),
  GITHUB_REJECTED("github_rejected", 403, "GitHub refused the requested scope"),
  NOT_FOUND("not_found", 404, "Not found"),
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, "Unsupported media type"),
  CONFLICT("idempotency_conflict", 409, "Idempotency key reused with a different request"),
  RATE_LIMITED("rate_limited", 429, "Rate limited"),
  RATE_LIMITER_UNAVAILABLE("rate_limiter_unavailable", 503, "Rate limiter unavailable"),
  PARTIAL_FAILURE("partial_failure", 502, "The action failed part-way"),
  UPSTREAM_RATE_LIMITED("upstream_rate_limited", 503, "GitHub rate limit reached"),
  UPSTREAM_UNAVAILABLE("upstream_unavailable", 503, "GitHub unavailable"),
  UPSTREAM_ERROR("upstream_error", 502, "GitHub answered unexpectedly"),
  UPSTREAM_MISCONFIGURED("upstream_misconfigured", 502, "GitHub App misconfigured"),
  KEY_UNAVAILABLE("key_unavailable", 503, "Signing key unavailable"),
  AUDIT_UNAVAILABLE("audit_unavailable", 503, "Audit journal unavailable"),
  INTERNAL("internal_error", 500, "Internal error"),
  // Break-glass (Tier B): appended, never reordered.
  HUMAN_REQUIRED("human_required", 403, "A human caller is required"),
  SELF_APPROVAL_REFUSED("self_approval_refused", 403, "Self-approval is refused"),
  NOT_GRANT_REQUESTER("not_grant_requester", 403, "Only the requester may use this grant"),
  NOT_PENDING("not_pending", 409, "The request is not pending"),
  GRANT_NOT_APPROVED("grant_not_approved", 409, "The grant is not approved"),
  GRANT_ALREADY_USED("grant_already_used", 409, "The grant was already used"),
  GRANT_EXPIRED("grant_expired", 410, "The grant expired"),
  // Break-glass web sign-in (cookie session): a state change without proof it came from the page.
  CSRF_REFUSED("csrf_refused", 403, "Cross-site request refused"),
  // Several replicas: the shared state store (leases, grants, sessions) did not answer.
  STATE_UNAVAILABLE("state_unavailable", 503, "Shared state store unavailable");

  private final String wire;
  private final int status;
  private final String title;

  ErrorCode(String wire, int status, String title) {
    this.wire = wire;
    this.status = status;
    this.title = title;
  }

  /** The stable {@code code} member of the problem document. */
  public String wire() {
    return wire;
  }

  public int status() {
    return status;
  }

  /** Fixed caller-facing title; details go to the decision log, not the caller. */
  public String title() {
    return title;
  }
}
