package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.PublicKey;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A GitHub App API simulator running as a real HTTP server on 127.0.0.1 (ephemeral port).
 *
 * <p>Point the broker's GitHub base URL at {@link #baseUri()}. The simulator verifies App JWTs,
 * enforces GitHub's limits, answers with GitHub's status codes and error bodies, and records what
 * it received so tests can assert on the broker's outbound behaviour.
 *
 * <pre>{@code
 * KeyPair app = TestKeys.rsa2048();
 * try (GitHubSimulator gh = GitHubSimulator.start(SimulatorFixture.demo(app.getPublic()), clock)) {
 *   broker.setGitHubBaseUrl(gh.baseUri());
 *   ...
 *   assertFalse(gh.mintRequests().get(0).widening());
 * }
 * }</pre>
 */
public final class GitHubSimulator implements AutoCloseable {
  /** Enough workers that a benchmark's concurrent mints never queue behind {@link Faults#delay}. */
  static final int WORKER_THREADS = 32;

  static {
    // The JDK server leaves Nagle's algorithm on by default; with the client's delayed ACKs every
    // response then stalls ~40 ms, capping a benchmark at a few hundred requests/s. The property is
    // read once, when the first HttpServer in the JVM is created, so set it before that happens.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService workers;
  private final SimulatorState state;
  private AdminState admin;
  private ActionsState actions;
  private IssueState issues;
  private final Recorder recorder;
  private final Faults faults;
  private final URI baseUri;

  private GitHubSimulator(
      HttpServer server,
      ExecutorService workers,
      SimulatorState state,
      Recorder recorder,
      Faults faults,
      URI baseUri) {
    this.server = server;
    this.workers = workers;
    this.state = state;
    this.recorder = recorder;
    this.faults = faults;
    this.baseUri = baseUri;
  }

  /** Starts a simulator for {@code fixture}; token expiry and JWT checks follow {@code clock}. */
  public static GitHubSimulator start(SimulatorFixture fixture, Clock clock) throws IOException {
    Objects.requireNonNull(fixture, "fixture");
    Objects.requireNonNull(clock, "clock");
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1024);
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    SimulatorState state = new SimulatorState(fixture, clock);
    Recorder recorder = new Recorder();
    Faults faults = new Faults();
    GitHubJson json = new GitHubJson(base.toString(), fixture);
    AdminState admin = new AdminState();
    ActionsState actions = new ActionsState();
    IssueState issues = new IssueState();
    server.createContext("/", new ApiRouter(state, admin, actions, issues, recorder, faults, json));
    ExecutorService workers = Executors.newFixedThreadPool(WORKER_THREADS, daemonThreads());
    server.setExecutor(workers);
    server.start();
    GitHubSimulator sim = new GitHubSimulator(server, workers, state, recorder, faults, base);
    sim.admin = admin;
    sim.actions = actions;
    sim.issues = issues;
    return sim;
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "github-sim-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** E.g. {@code http://127.0.0.1:41234}, without a trailing slash. */
  public URI baseUri() {
    return baseUri;
  }

  public Faults faults() {
    return faults;
  }

  /** Every mint request received, parsed, in arrival order, including rejected ones. */
  public List<MintRequest> mintRequests() {
    return recorder.mints();
  }

  /** Every request received (most recent 50,000), in arrival order. */
  public List<RecordedRequest> requests() {
    return recorder.requests();
  }

  /** Distinct JWT strings presented to App endpoints; lets tests prove the broker reuses JWTs. */
  public int distinctAppJwtsSeen() {
    return recorder.distinctAppJwts();
  }

  /** Issued, not revoked, and not expired according to the simulator's clock. */
  public boolean isTokenActive(String token) {
    return state.live(token) != null;
  }

  /**
   * The {@code contents} permission ({@code "read"} or {@code "write"}) that {@code token} grants
   * on {@code owner/repo}, as a git host would check it. Empty unless the token is live (issued,
   * not revoked, unexpired by the simulator's clock), its installation is installed and not
   * suspended, {@code owner} is the installation's account and {@code repo} is among the token's
   * repositories (both case-insensitive, like GitHub), and the token has {@code contents} at all.
   */
  public Optional<String> contentsAccess(String token, String owner, String repo) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(repo, "repo");
    return Optional.ofNullable(state.contentsAccess(token, owner, repo));
  }

  /**
   * The scope {@code token} was minted with, live or not; empty if this simulator never issued it.
   */
  public Optional<TokenScope> tokenScope(String token) {
    Objects.requireNonNull(token, "token");
    IssuedToken t = state.issuedToken(token);
    return t == null
        ? Optional.empty()
        : Optional.of(
            new TokenScope(
                t.installationId(),
                t.permissions(),
                t.repositories().stream().map(Repo::name).toList(),
                t.repositorySelection()));
  }

  public int activeTokenCount() {
    return state.activeCount();
  }

  public int issuedTokenCount() {
    return state.issuedCount();
  }

  /** Mints then answer 403 "This installation has been suspended"; lookups show suspended_at. */
  public void suspend(long installationId) {
    state.suspend(installationId);
  }

  public void unsuspend(long installationId) {
    state.unsuspend(installationId);
  }

  /** The installation disappears (404 everywhere) and its tokens stop working. */
  public void uninstall(long installationId) {
    state.uninstall(installationId);
  }

  /** Adds an App key; JWTs signed by any current key verify. */
  public void addAppKey(PublicKey key) {
    state.keys.add(Objects.requireNonNull(key, "key"));
  }

  /** Removes an App key; JWTs it signed stop verifying, even ones verified before. */
  public void removeAppKey(PublicKey key) {
    state.keys.remove(Objects.requireNonNull(key, "key"));
  }

  /** Clears recordings (requests, mints, seen JWTs) and faults; keeps tokens and installations. */
  public void reset() {
    recorder.clear();
    faults.clear();
  }

  /** Org-admin state of {@code owner/name} after Tier B calls, if any call touched it. */
  public Optional<SimulatedRepo> adminRepo(String owner, String name) {
    return admin.find(owner, name);
  }

  /** Adds branch {@code branch} to {@code owner/name} (every repository already has main). */
  public void addBranch(String owner, String name, String branch) {
    knownRepo(owner, name);
    admin.branches.add(AdminState.key(owner, name) + "#" + Objects.requireNonNull(branch));
  }

  /**
   * Sets the protection of an existing branch as a PUT with {@code putBody} would (same checks,
   * replace semantics), e.g. to give a test a stronger setting than the baseline.
   */
  public void protectBranch(String owner, String name, String branch, String putBody) {
    knownRepo(owner, name);
    if (!admin.branchExists(owner, name, branch)) {
      throw new IllegalArgumentException("no branch " + branch);
    }
    String key = AdminState.key(owner, name) + "#" + branch;
    try {
      JsonNode body = GitHubJson.MAPPER.readTree(putBody);
      admin.protection.put(
          key, new ProtectionEndpoints(state, admin).put(owner, body, admin.protection.get(key)));
    } catch (java.io.IOException | ApiException e) {
      throw new IllegalArgumentException("invalid protection: " + e.getMessage(), e);
    }
  }

  /** The branch protection of {@code owner/name} branch {@code branch} in GET's shape, as JSON. */
  public Optional<String> branchProtection(String owner, String name, String branch) {
    return Optional.ofNullable(admin.protection.get(AdminState.key(owner, name) + "#" + branch))
        .map(Object::toString);
  }

  /** Team access granted: {@code org/team -> owner/repo} to permission. */
  public Map<String, String> teamAccess() {
    return Map.copyOf(admin.teamAccess);
  }

  /** Marks {@code owner/name} as a template repository (GitHub's "Template repository" box). */
  public void markTemplate(String owner, String name) {
    admin.templates.add(AdminState.key(owner, name));
  }

  /** Whether {@code owner/name} exists in its installation (created repositories included). */
  public boolean repositoryExists(String owner, String name) {
    return state.byRepo(owner, name) != null;
  }

  /**
   * Declares {@code .github/workflows/FILE} with a {@code workflow_dispatch} trigger taking {@code
   * inputs} in {@code owner/repo} (which must exist). Returns the workflow id, which dispatches may
   * use instead of the file name. Every repository has one branch, {@code main}.
   */
  public long addWorkflow(String owner, String repo, String file, List<WorkflowInput> inputs) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(inputs, "inputs");
    return actions.addWorkflow(owner, knownRepo(owner, repo), file, inputs);
  }

  /** The runs dispatches created in {@code owner/repo}, oldest first, with their current status. */
  public List<WorkflowRun> workflowRuns(String owner, String repo) {
    return actions.runs(owner, repo);
  }

  /**
   * Moves a run on, as the runner would: {@code status} is one of GitHub's ({@code queued}, {@code
   * in_progress}, {@code completed}, ...) and {@code conclusion} ({@code success}, {@code failure},
   * {@code cancelled}, ...) is given exactly when the status is {@code completed}.
   */
  public void setRunStatus(long runId, String status, String conclusion) {
    Objects.requireNonNull(status, "status");
    actions.setStatus(runId, status, conclusion, state.now());
  }

  /** Declares issue {@code number} of {@code owner/repo} (which must exist) with these labels. */
  public void addIssue(String owner, String repo, int number, List<String> labels) {
    if (number <= 0) {
      throw new IllegalArgumentException("issue numbers start at 1");
    }
    issues.add(owner, knownRepo(owner, repo), number, List.copyOf(labels));
  }

  /** The labels issue {@code number} carries now. */
  public List<String> issueLabels(String owner, String repo, int number) {
    return knownIssue(owner, repo, number).labels();
  }

  /** The bodies of the comments added to issue {@code number} through the API, oldest first. */
  public List<String> issueComments(String owner, String repo, int number) {
    return knownIssue(owner, repo, number).comments().stream()
        .map(IssueState.Comment::body)
        .toList();
  }

  private String knownRepo(String owner, String repo) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(repo, "repo");
    if (state.byRepo(owner, repo) == null) {
      throw new IllegalArgumentException("no repository " + owner + "/" + repo + " in the fixture");
    }
    return repo;
  }

  private IssueState.Issue knownIssue(String owner, String repo, int number) {
    IssueState.Issue issue = issues.issue(owner, repo, number);
    if (issue == null) {
      throw new IllegalArgumentException("no issue " + owner + "/" + repo + "#" + number);
    }
    return issue;
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
