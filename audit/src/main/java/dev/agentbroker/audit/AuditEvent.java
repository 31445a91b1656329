package dev.agentbroker.audit;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One audited decision or action. Immutable; collections are copied, and maps are kept sorted by
 * key so the canonical JSON (and therefore the chain hash) does not depend on map implementation.
 *
 * <p>Only {@code eventId}, {@code time}, {@code action} and {@code outcome} are mandatory. Tokens
 * never appear in clear: {@code tokenSha256} must be a {@link TokenHashes#sha256Hex} digest, which
 * the constructor enforces so a raw token cannot slip in by mistake.
 */
public record AuditEvent(
    int schemaVersion,
    String eventId,
    Instant time,
    String action,
    String outcome,
    String reason,
    String ruleId,
    String issuer,
    String subject,
    String identityId,
    String profile,
    String owner,
    List<String> repositories,
    Map<String, String> permissions,
    String tokenSha256,
    String hashedToken,
    String leaseId,
    Instant expiresAt,
    String requestId,
    String clientIp,
    Long latencyMs,
    String severity,
    Map<String, String> details) {

  public static final int SCHEMA_VERSION = 1;

  public AuditEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(outcome, "outcome");
    if (schemaVersion < 1) {
      throw new IllegalArgumentException("schemaVersion must be >= 1");
    }
    if (eventId.isBlank() || action.isBlank() || outcome.isBlank()) {
      throw new IllegalArgumentException("eventId, action and outcome must not be blank");
    }
    if (tokenSha256 != null && !TokenHashes.isSha256Hex(tokenSha256)) {
      // Deliberately does not echo the value: it may be the raw token someone passed by mistake.
      throw new IllegalArgumentException(
          "tokenSha256 must be 64 lower-case hex chars from TokenHashes.sha256Hex");
    }
    // hashed_token is GitHub's audit-log encoding of the same digest; it is always derived from
    // tokenSha256 so the two can never disagree and no other value can be smuggled into it.
    String derived =
        tokenSha256 == null ? null : TokenHashes.githubHashedTokenOfSha256Hex(tokenSha256);
    if (hashedToken != null && !hashedToken.equals(derived)) {
      throw new IllegalArgumentException(
          "hashedToken must be TokenHashes.githubHashedToken of the same token as tokenSha256");
    }
    hashedToken = derived;
    // Every free-text field may carry caller input: scrub credential-shaped text (no secret in
    // the journal, whatever a caller sends).
    reason = SecretScrubber.scrub(reason);
    ruleId = SecretScrubber.scrub(ruleId);
    issuer = SecretScrubber.scrub(issuer);
    subject = SecretScrubber.scrub(subject);
    identityId = SecretScrubber.scrub(identityId);
    profile = SecretScrubber.scrub(profile);
    owner = SecretScrubber.scrub(owner);
    leaseId = SecretScrubber.scrub(leaseId);
    requestId = SecretScrubber.scrub(requestId);
    clientIp = SecretScrubber.scrub(clientIp);
    severity = SecretScrubber.scrub(severity);
    repositories =
        repositories == null ? null : repositories.stream().map(SecretScrubber::scrub).toList();
    permissions = sortedCopy(scrubbed(permissions), "permissions");
    details = sortedCopy(scrubbed(details), "details");
  }

  private static Map<String, String> scrubbed(Map<String, String> m) {
    if (m == null) {
      return null;
    }
    Map<String, String> out = new java.util.LinkedHashMap<>();
    m.forEach((k, v) -> out.put(SecretScrubber.scrub(k), SecretScrubber.scrub(v)));
    return out;
  }

  private static Map<String, String> sortedCopy(Map<String, String> map, String name) {
    if (map == null) {
      return null;
    }
    TreeMap<String, String> copy = new TreeMap<>();
    map.forEach(
        (k, v) ->
            copy.put(
                Objects.requireNonNull(k, name + " key"),
                Objects.requireNonNull(v, name + " value")));
    return Collections.unmodifiableMap(copy);
  }

  /**
   * Starts an event with the current schema version and a random UUID event id. {@code time} must
   * still be set (from the caller's injected clock).
   */
  public static Builder builder(String action, String outcome) {
    Builder b = new Builder().schemaVersion(SCHEMA_VERSION).action(action).outcome(outcome);
    // Drawn in build() only if no id was set: callers with their own ids (egress uses a counter)
    // should not pay for SecureRandom on every event.
    b.randomIdIfUnset = true;
    return b;
  }

  /** Fluent builder; {@link #build()} validates. */
  public static final class Builder {
    private int schemaVersion = SCHEMA_VERSION;
    private String eventId;
    private boolean randomIdIfUnset;
    private Instant time;
    private String action;
    private String outcome;
    private String reason;
    private String ruleId;
    private String issuer;
    private String subject;
    private String identityId;
    private String profile;
    private String owner;
    private List<String> repositories;
    private Map<String, String> permissions;
    private String tokenSha256;
    private String hashedToken;
    private String leaseId;
    private Instant expiresAt;
    private String requestId;
    private String clientIp;
    private Long latencyMs;
    private String severity;
    private Map<String, String> details;

    private Builder() {}

    public Builder schemaVersion(int schemaVersion) {
      this.schemaVersion = schemaVersion;
      return this;
    }

    public Builder eventId(String eventId) {
      this.eventId = eventId;
      this.randomIdIfUnset = false;
      return this;
    }

    public Builder time(Instant time) {
      this.time = time;
      return this;
    }

    public Builder action(String action) {
      this.action = action;
      return this;
    }

    public Builder outcome(String outcome) {
      this.outcome = outcome;
      return this;
    }

    public Builder reason(String reason) {
      this.reason = reason;
      return this;
    }

    public Builder ruleId(String ruleId) {
      this.ruleId = ruleId;
      return this;
    }

    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    public Builder subject(String subject) {
      this.subject = subject;
      return this;
    }

    public Builder identityId(String identityId) {
      this.identityId = identityId;
      return this;
    }

    public Builder profile(String profile) {
      this.profile = profile;
      return this;
    }

    public Builder owner(String owner) {
      this.owner = owner;
      return this;
    }

    public Builder repositories(List<String> repositories) {
      this.repositories = repositories;
      return this;
    }

    public Builder permissions(Map<String, String> permissions) {
      this.permissions = permissions;
      return this;
    }

    public Builder tokenSha256(String tokenSha256) {
      this.tokenSha256 = tokenSha256;
      return this;
    }

    /**
     * Optional: it is derived from {@link #tokenSha256} anyway; when set (e.g. when parsing) it
     * must match, or {@link #build()} throws.
     */
    public Builder hashedToken(String hashedToken) {
      this.hashedToken = hashedToken;
      return this;
    }

    public Builder leaseId(String leaseId) {
      this.leaseId = leaseId;
      return this;
    }

    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = expiresAt;
      return this;
    }

    public Builder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    public Builder clientIp(String clientIp) {
      this.clientIp = clientIp;
      return this;
    }

    public Builder latencyMs(Long latencyMs) {
      this.latencyMs = latencyMs;
      return this;
    }

    public Builder severity(String severity) {
      this.severity = severity;
      return this;
    }

    public Builder details(Map<String, String> details) {
      this.details = details;
      return this;
    }

    public AuditEvent build() {
      return new AuditEvent(
          schemaVersion,
          eventId == null && randomIdIfUnset ? UUID.randomUUID().toString() : eventId,
          time,
          action,
          outcome,
          reason,
          ruleId,
          issuer,
          subject,
          identityId,
          profile,
          owner,
          repositories,
          permissions,
          tokenSha256,
          hashedToken,
          leaseId,
          expiresAt,
          requestId,
          clientIp,
          latencyMs,
          severity,
          details);
    }
  }
}
