package dev.agentbroker.tierb.breakglass;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.audit.TokenHashes;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubException;
import dev.agentbroker.tiera.github.InstallationToken;
import dev.agentbroker.tierb.internal.VerbExecutor;
import dev.agentbroker.tierb.internal.VerbJson;
import dev.agentbroker.tierb.verbs.Verb;
import dev.agentbroker.tierb.verbs.VerbCall;
import dev.agentbroker.tierb.verbs.VerbCatalog;
import dev.agentbroker.tierb.verbs.VerbInputException;
import java.util.Optional;

/**
 * The GitHub side of a use, run after the claim is journaled and stored. If nothing took effect at
 * GitHub (the mint failed, or a verb's first call was refused) the grant is reopened so the human
 * can retry within the window; once anything happened it stays used. A token whose issuance cannot
 * be journaled is revoked and never returned (ADR 0003).
 */
final class GrantUse {
  private final BreakGlassService service;
  private final BreakGlassAudit audit;
  private final GitHubAppClient app;
  private final VerbExecutor executor;

  GrantUse(
      BreakGlassService service,
      BreakGlassAudit audit,
      GitHubAppClient app,
      VerbExecutor executor) {
    this.service = service;
    this.audit = audit;
    this.app = app;
    this.executor = executor;
  }

  BreakGlassOutcome perform(Human h, Grant claimed, RequestMeta meta) {
    if (claimed.elevation() instanceof Elevation.InstallationWideToken t) {
      return token(h, claimed, t, meta);
    }
    return verb(h, claimed, (Elevation.VerbAction) claimed.elevation(), meta);
  }

  private BreakGlassOutcome token(
      Human h, Grant claimed, Elevation.InstallationWideToken t, RequestMeta meta) {
    InstallationToken token;
    try {
      long installation = app.installationId(t.owner());
      token = app.mintInstallationWide(installation, t.permissions());
    } catch (GitHubException e) {
      return githubFailed(h, claimed, meta, e);
    }
    String sha = TokenHashes.sha256Hex(token.token());
    Grant issued = claimed.withResult(sha, token.expiresAt(), "issued");
    AuditEvent.Builder event =
        audit
            .event("use", Outcomes.ALLOWED, "token_issued", h, issued, meta)
            .tokenSha256(sha)
            .expiresAt(token.expiresAt());
    try {
      audit.append(event);
    } catch (AuditUnavailableException e) {
      boolean revoked = revoke(token);
      service.update(
          claimed, claimed.withResult(null, null, revoked ? "revoked_unaudited" : "unaudited"));
      String reason = "audit_" + e.reason().name().toLowerCase();
      BreakGlassAudit.log("use", Outcomes.ERROR, reason, h, claimed.id());
      return BreakGlassOutcome.Refused.of(
          ErrorCode.AUDIT_UNAVAILABLE,
          reason,
          "the audit journal cannot record the token; it was revoked and not returned");
    }
    service.update(claimed, issued);
    BreakGlassAudit.log("use", Outcomes.ALLOWED, "token_issued", h, claimed.id());
    return new BreakGlassOutcome.Used(issued, Optional.of(token), Optional.empty());
  }

  private BreakGlassOutcome verb(Human h, Grant claimed, Elevation.VerbAction a, RequestMeta meta) {
    Verb verb = VerbCatalog.find(a.verb()).orElseThrow();
    VerbCall call;
    try {
      call = BreakGlassRequest.call(a);
    } catch (VerbInputException e) {
      // Checked under the lock just before the claim; only a catalog change in between gets here.
      service.update(claimed, claimed.reopened());
      return BreakGlassOutcome.Refused.of(
          ErrorCode.INVALID_REQUEST, "schema_changed", e.getMessage());
    }
    InstallationToken jit;
    try {
      jit = executor.mint(verb, call);
    } catch (GitHubException e) {
      return githubFailed(h, claimed, meta, e);
    }
    // The JIT token never leaves the broker, break-glass or not: revoked inside.
    VerbExecutor.Report report = executor.performAndRevoke(verb.plan(call), jit);
    String sha = report.jitSha256();
    String result = report.reason();
    Grant done = claimed.withResult(sha, null, result);
    audit.afterTheFact(
        audit
            .event(
                "use",
                report.completed() ? Outcomes.ALLOWED : Outcomes.ERROR,
                result,
                h,
                done,
                meta)
            .tokenSha256(sha));
    BreakGlassAudit.log(
        "use", report.completed() ? Outcomes.ALLOWED : Outcomes.ERROR, result, h, claimed.id());
    if (report.nothingDone()) {
      service.update(claimed, claimed.reopened());
      return BreakGlassOutcome.Refused.of(
          ErrorCode.GITHUB_REJECTED,
          "github_rejected",
          report.failedMessage() == null ? "GitHub rejected the call" : report.failedMessage());
    }
    service.update(claimed, done);
    ObjectNode out = GrantJson.MAPPER.createObjectNode();
    out.put("verb", verb.name());
    out.put("status", result);
    out.set("params", call.params());
    out.set("steps", report.steps());
    return new BreakGlassOutcome.Used(done, Optional.empty(), Optional.of(out));
  }

  private BreakGlassOutcome githubFailed(
      Human h, Grant claimed, RequestMeta meta, GitHubException e) {
    String reason = "github_" + e.kind().name().toLowerCase();
    audit.afterTheFact(audit.event("use", Outcomes.ERROR, reason, h, claimed, meta));
    BreakGlassAudit.log("use", Outcomes.ERROR, reason, h, claimed.id());
    // Nothing was issued: the grant may be tried again while its window is open.
    service.update(claimed, claimed.reopened());
    ErrorCode code = VerbJson.errorCode(e.kind());
    return new BreakGlassOutcome.Refused(
        code,
        reason,
        code == ErrorCode.GITHUB_REJECTED
            ? e.githubMessage().orElse("GitHub refused the token")
            : "GitHub could not mint the token",
        java.util.List.of());
  }

  private boolean revoke(InstallationToken token) {
    try {
      app.revoke(token.token());
      return true;
    } catch (GitHubException e) {
      return false;
    }
  }
}
