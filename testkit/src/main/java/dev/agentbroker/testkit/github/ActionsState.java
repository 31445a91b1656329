package dev.agentbroker.testkit.github;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Workflows tests declared and the runs dispatches created. Like installations, this is world
 * state: {@code reset()} keeps it. All methods synchronize on the instance; traffic here is tiny.
 */
final class ActionsState {
  /** GitHub's run statuses (the values a run's {@code status} field takes). */
  static final Set<String> STATUSES =
      Set.of("requested", "queued", "pending", "waiting", "in_progress", "completed");

  /** GitHub's run conclusions, set only once a run is completed. */
  static final Set<String> CONCLUSIONS =
      Set.of(
          "success",
          "failure",
          "neutral",
          "cancelled",
          "skipped",
          "timed_out",
          "action_required",
          "stale",
          "startup_failure");

  /** Ids in GitHub's current ranges, so an {@code int} somewhere in the client overflows here. */
  private static final long FIRST_WORKFLOW_ID = 160_000_000L;

  private static final long FIRST_RUN_ID = 20_000_000_000L;

  /** A declared workflow; {@code repoKey} is {@code owner/repo} in lower case. */
  record Workflow(long id, String repoKey, String file, List<WorkflowInput> inputs) {
    String path() {
      return ".github/workflows/" + file;
    }
  }

  /** A run plus what the API shows but the public record leaves out. */
  record StoredRun(WorkflowRun run, Workflow workflow, int runNumber, Instant updatedAt) {}

  private final Map<String, List<Workflow>> workflows = new LinkedHashMap<>();
  private final Map<Long, StoredRun> runs = new LinkedHashMap<>();
  private long nextWorkflowId = FIRST_WORKFLOW_ID;
  private long nextRunId = FIRST_RUN_ID;

  synchronized long addWorkflow(
      String owner, String repo, String file, List<WorkflowInput> inputs) {
    if (!file.matches("[A-Za-z0-9._-]+\\.ya?ml")) {
      throw new IllegalArgumentException("workflow file must be a bare *.yml/*.yaml name: " + file);
    }
    Set<String> names = new HashSet<>();
    for (WorkflowInput i : inputs) {
      if (!names.add(i.name())) {
        throw new IllegalArgumentException("input declared twice: " + i.name());
      }
    }
    String key = AdminState.key(owner, repo);
    List<Workflow> list = workflows.computeIfAbsent(key, k -> new ArrayList<>());
    if (list.stream().anyMatch(w -> w.file().equals(file))) {
      throw new IllegalArgumentException(file + " already added to " + owner + "/" + repo);
    }
    Workflow w = new Workflow(nextWorkflowId++, key, file, List.copyOf(inputs));
    list.add(w);
    return w.id();
  }

  /** By file name (case-sensitive, like paths in git) or by numeric id; null when unknown. */
  synchronized Workflow workflow(String owner, String repo, String idOrFile) {
    for (Workflow w : workflows.getOrDefault(AdminState.key(owner, repo), List.of())) {
      if (w.file().equals(idOrFile) || Long.toString(w.id()).equals(idOrFile)) {
        return w;
      }
    }
    return null;
  }

  synchronized StoredRun createRun(
      Workflow w, String ref, Map<String, String> inputs, Instant now, String htmlUrlPrefix) {
    long id = nextRunId++;
    int number = (int) runs.values().stream().filter(r -> r.workflow().equals(w)).count() + 1;
    Instant at = now.truncatedTo(ChronoUnit.SECONDS);
    WorkflowRun run =
        new WorkflowRun(
            id, w.file(), "workflow_dispatch", ref, inputs, "queued", null, at, htmlUrlPrefix + id);
    StoredRun s = new StoredRun(run, w, number, at);
    runs.put(id, s);
    return s;
  }

  synchronized StoredRun run(long id) {
    return runs.get(id);
  }

  synchronized List<WorkflowRun> runs(String owner, String repo) {
    String key = AdminState.key(owner, repo);
    List<WorkflowRun> out = new ArrayList<>();
    for (StoredRun s : runs.values()) {
      if (s.workflow().repoKey().equals(key)) {
        out.add(s.run());
      }
    }
    return out;
  }

  /** GitHub only ever shows a conclusion on a completed run, and always shows one there. */
  synchronized void setStatus(long id, String status, String conclusion, Instant now) {
    StoredRun s = runs.get(id);
    if (s == null) {
      throw new IllegalArgumentException("no workflow run " + id);
    }
    if (!STATUSES.contains(status)) {
      throw new IllegalArgumentException("not a GitHub run status: " + status);
    }
    boolean completed = status.equals("completed");
    if (completed != (conclusion != null)) {
      throw new IllegalArgumentException("a conclusion is required exactly when completed");
    }
    if (conclusion != null && !CONCLUSIONS.contains(conclusion)) {
      throw new IllegalArgumentException("not a GitHub run conclusion: " + conclusion);
    }
    WorkflowRun r = s.run();
    WorkflowRun updated =
        new WorkflowRun(
            r.id(),
            r.workflowFile(),
            r.event(),
            r.ref(),
            r.inputs(),
            status,
            conclusion,
            r.createdAt(),
            r.htmlUrl());
    runs.put(
        id,
        new StoredRun(updated, s.workflow(), s.runNumber(), now.truncatedTo(ChronoUnit.SECONDS)));
  }
}
