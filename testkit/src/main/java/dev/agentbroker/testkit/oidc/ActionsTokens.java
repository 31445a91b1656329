package dev.agentbroker.testkit.oidc;

import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds and signs Actions ID tokens. The claim set and its conventions follow tokens GitHub
 * issues: every value but the times is a string (ids and {@code ref_protected} included), {@code
 * aud} is a single string, and {@code nbf} lies ten minutes before {@code iat} (GitHub's tokens
 * carry that allowance for clock skew; {@code exp} is {@code iat} + 5 minutes).
 */
final class ActionsTokens {
  static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
  static final Duration NOT_BEFORE_SKEW = Duration.ofMinutes(10);

  /** Every claim a token can carry, for the discovery document. */
  static final List<String> CLAIMS =
      List.of(
          "sub",
          "aud",
          "exp",
          "iat",
          "iss",
          "jti",
          "nbf",
          "ref",
          "sha",
          "repository",
          "repository_id",
          "repository_owner",
          "repository_owner_id",
          "run_id",
          "run_number",
          "run_attempt",
          "actor",
          "actor_id",
          "workflow",
          "workflow_ref",
          "workflow_sha",
          "head_ref",
          "base_ref",
          "event_name",
          "ref_type",
          "ref_protected",
          "environment",
          "job_workflow_ref",
          "job_workflow_sha",
          "repository_visibility",
          "runner_environment");

  private ActionsTokens() {}

  /**
   * {@code repo:OWNER/REPO} (or, with immutable subjects, {@code repo:OWNER@ID/REPO@ID}) followed
   * by the environment, {@code pull_request}, or the ref, in that order of precedence.
   */
  static String subject(ActionsOidcIssuer.Run run) {
    String repo =
        run.immutableSubject()
            ? "repo:" + run.owner() + "@" + run.ownerId() + "/" + run.repo() + "@" + run.repoId()
            : "repo:" + run.repository();
    if (run.environment() != null) {
      return repo + ":environment:" + run.environment();
    }
    if (run.eventName().equals("pull_request")) {
      return repo + ":pull_request";
    }
    return repo + ":ref:" + run.ref();
  }

  /** The claims other than jti, sub, aud, iss and the times, in GitHub's order. */
  static Map<String, String> claims(ActionsOidcIssuer.Run run) {
    Map<String, String> c = new LinkedHashMap<>();
    if (run.environment() != null) {
      c.put("environment", run.environment());
    }
    c.put("ref", run.ref());
    c.put("sha", run.sha());
    c.put("repository", run.repository());
    c.put("repository_owner", run.owner());
    c.put("repository_owner_id", Long.toString(run.ownerId()));
    c.put("run_id", Long.toString(run.runId()));
    c.put("run_number", Long.toString(run.runNumber()));
    c.put("run_attempt", Integer.toString(run.runAttempt()));
    c.put("repository_visibility", run.visibility());
    c.put("repository_id", Long.toString(run.repoId()));
    c.put("actor_id", Long.toString(run.actorId()));
    c.put("actor", run.actor());
    c.put("workflow", run.workflow());
    c.put("head_ref", run.headRef());
    c.put("base_ref", run.baseRef());
    c.put("event_name", run.eventName());
    c.put("ref_protected", Boolean.toString(run.refProtected()));
    c.put("ref_type", run.refType());
    c.put("workflow_ref", run.workflowRef());
    c.put("workflow_sha", run.workflowSha());
    c.put("job_workflow_ref", run.jobWorkflowRef());
    c.put("job_workflow_sha", run.jobWorkflowSha());
    c.put("runner_environment", run.runnerEnvironment());
    return c;
  }

  /**
   * Signs with the issuer's current key. Uses jjwt's deprecated single-string audience on purpose:
   * GitHub sends {@code aud} as a string, not an array.
   */
  @SuppressWarnings("deprecation")
  static String sign(
      IssuerKeys.SigningKey key,
      String issuer,
      ActionsOidcIssuer.Run run,
      String audience,
      Instant now,
      Duration lifetime) {
    Instant iat = now.truncatedTo(ChronoUnit.SECONDS);
    JwtBuilder b =
        Jwts.builder()
            .header()
            .type("JWT")
            .keyId(key.kid())
            .and()
            .id(UUID.randomUUID().toString())
            .subject(subject(run));
    b.audience().single(audience);
    claims(run).forEach(b::claim);
    return b.issuer(issuer)
        .notBefore(Date.from(iat.minus(NOT_BEFORE_SKEW)))
        .expiration(Date.from(iat.plus(lifetime)))
        .issuedAt(Date.from(iat))
        .signWith(key.pair().getPrivate(), Jwts.SIG.RS256)
        .compact();
  }
}
