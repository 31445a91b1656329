package dev.agentbroker.testkit.github;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A workflow run the simulator created for a dispatch, as a test sees it.
 *
 * @param id run id; deliberately above {@code 2^31} like GitHub's current ones
 * @param workflowFile the workflow's file name, e.g. {@code agent-run.yml}
 * @param event {@code workflow_dispatch}
 * @param ref the ref exactly as the dispatch named it ({@code main} or {@code refs/heads/main})
 * @param inputs the inputs exactly as the dispatch sent them (declared defaults are not filled in)
 * @param status {@code queued} after the dispatch; tests move it with {@code setRunStatus}
 * @param conclusion null until {@code status} is {@code completed}
 * @param createdAt when the dispatch arrived, by the simulator's clock
 * @param htmlUrl {@code https://github.com/OWNER/REPO/actions/runs/ID}
 */
public record WorkflowRun(
    long id,
    String workflowFile,
    String event,
    String ref,
    Map<String, String> inputs,
    String status,
    String conclusion,
    Instant createdAt,
    String htmlUrl) {
  public WorkflowRun {
    Objects.requireNonNull(workflowFile, "workflowFile");
    Objects.requireNonNull(status, "status");
    inputs = Map.copyOf(inputs);
  }
}
