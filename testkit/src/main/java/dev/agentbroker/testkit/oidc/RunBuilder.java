package dev.agentbroker.testkit.oidc;

import dev.agentbroker.testkit.oidc.ActionsOidcIssuer.Run;
import java.util.Objects;

/**
 * Builds an {@link Run}. Defaults for what is not set: visibility {@code private}, ref {@code
 * refs/heads/main} (a {@code branch}, not protected), sha a fixed fake derived from the repository
 * and ref, workflow {@code agent-run}, workflowRef {@code
 * OWNER/REPO/.github/workflows/agent-run.yml@REF}, jobWorkflowRef = workflowRef, both workflow shas
 * = sha, event {@code workflow_dispatch}, head/base ref empty (GitHub sends {@code ""} outside pull
 * requests), no environment, actor {@code octocat} (583231), run id 20000000001, run number and
 * attempt 1, runner environment {@code self-hosted}, classic (not immutable) subject.
 */
public final class RunBuilder {
  private final String owner;
  private final long ownerId;
  private final String repo;
  private final long repoId;
  private String visibility = "private";
  private String ref = "refs/heads/main";
  private String refType = "branch";
  private boolean refProtected;
  private String sha;
  private String workflow = "agent-run";
  private String workflowRef;
  private String workflowSha;
  private String jobWorkflowRef;
  private String jobWorkflowSha;
  private String eventName = "workflow_dispatch";
  private String headRef = "";
  private String baseRef = "";
  private String environment;
  private String actor = "octocat";
  private long actorId = 583_231L;
  private long runId = 20_000_000_001L;
  private long runNumber = 1;
  private int runAttempt = 1;
  private String runnerEnvironment = "self-hosted";
  private boolean immutableSubject;

  RunBuilder(String owner, long ownerId, String repo, long repoId) {
    this.owner = Objects.requireNonNull(owner, "owner");
    this.ownerId = ownerId;
    this.repo = Objects.requireNonNull(repo, "repo");
    this.repoId = repoId;
  }

  RunBuilder(Run r) {
    this(r.owner(), r.ownerId(), r.repo(), r.repoId());
    visibility = r.visibility();
    ref = r.ref();
    refType = r.refType();
    refProtected = r.refProtected();
    sha = r.sha();
    workflow = r.workflow();
    workflowRef = r.workflowRef();
    workflowSha = r.workflowSha();
    jobWorkflowRef = r.jobWorkflowRef();
    jobWorkflowSha = r.jobWorkflowSha();
    eventName = r.eventName();
    headRef = r.headRef();
    baseRef = r.baseRef();
    environment = r.environment();
    actor = r.actor();
    actorId = r.actorId();
    runId = r.runId();
    runNumber = r.runNumber();
    runAttempt = r.runAttempt();
    runnerEnvironment = r.runnerEnvironment();
    immutableSubject = r.immutableSubject();
  }

  /** {@code public}, {@code private} or {@code internal}. */
  public RunBuilder visibility(String v) {
    visibility = v;
    return this;
  }

  /** E.g. {@code refs/heads/main}, {@code refs/tags/v1}, {@code refs/pull/7/merge}. */
  public RunBuilder ref(String v) {
    ref = v;
    return this;
  }

  /** {@code branch} or {@code tag}. */
  public RunBuilder refType(String v) {
    refType = v;
    return this;
  }

  public RunBuilder refProtected(boolean v) {
    refProtected = v;
    return this;
  }

  /** The commit the job runs on (40 hex digits on GitHub). */
  public RunBuilder sha(String v) {
    sha = v;
    return this;
  }

  /** The workflow's {@code name:}. */
  public RunBuilder workflow(String v) {
    workflow = v;
    return this;
  }

  public RunBuilder workflowRef(String v) {
    workflowRef = v;
    return this;
  }

  public RunBuilder workflowSha(String v) {
    workflowSha = v;
    return this;
  }

  /** For a job calling a reusable workflow: that workflow's {@code OWNER/REPO/PATH@REF}. */
  public RunBuilder jobWorkflowRef(String v) {
    jobWorkflowRef = v;
    return this;
  }

  public RunBuilder jobWorkflowSha(String v) {
    jobWorkflowSha = v;
    return this;
  }

  /** E.g. {@code workflow_dispatch}, {@code push}, {@code pull_request}, {@code issues}. */
  public RunBuilder eventName(String v) {
    eventName = v;
    return this;
  }

  public RunBuilder headRef(String v) {
    headRef = v;
    return this;
  }

  public RunBuilder baseRef(String v) {
    baseRef = v;
    return this;
  }

  /** The job's deployment environment; null for none. It then becomes the subject's context. */
  public RunBuilder environment(String v) {
    environment = v;
    return this;
  }

  public RunBuilder actor(String login, long id) {
    actor = login;
    actorId = id;
    return this;
  }

  public RunBuilder runId(long v) {
    runId = v;
    return this;
  }

  public RunBuilder runNumber(long v) {
    runNumber = v;
    return this;
  }

  public RunBuilder runAttempt(int v) {
    runAttempt = v;
    return this;
  }

  /** {@code self-hosted} or {@code github-hosted}. */
  public RunBuilder runnerEnvironment(String v) {
    runnerEnvironment = v;
    return this;
  }

  public RunBuilder immutableSubject(boolean v) {
    immutableSubject = v;
    return this;
  }

  public Run build() {
    String s = sha != null ? sha : ActionsOidcIssuer.fakeSha(owner + "/" + repo + "@" + ref);
    String wRef =
        workflowRef != null
            ? workflowRef
            : owner + "/" + repo + "/.github/workflows/agent-run.yml@" + ref;
    String wSha = workflowSha != null ? workflowSha : s;
    return new Run(
        owner,
        ownerId,
        repo,
        repoId,
        visibility,
        ref,
        refType,
        refProtected,
        s,
        workflow,
        wRef,
        wSha,
        jobWorkflowRef != null ? jobWorkflowRef : wRef,
        jobWorkflowSha != null ? jobWorkflowSha : wSha,
        eventName,
        headRef,
        baseRef,
        environment,
        actor,
        actorId,
        runId,
        runNumber,
        runAttempt,
        runnerEnvironment,
        immutableSubject);
  }
}
