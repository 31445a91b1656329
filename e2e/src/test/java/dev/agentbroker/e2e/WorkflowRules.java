package dev.agentbroker.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The structural rules every workflow of this repository must keep (the classic GitHub Actions
 * mistakes): no {@code ${{ }}} expression inside a {@code run:} script (event text such as an issue
 * title is attacker-controlled and would become shell code: inputs go through {@code env:}), no
 * {@code pull_request_target} that checks out the pull request's head, no {@code write-all}, and no
 * permission beyond the few the agent workflows need.
 */
final class WorkflowRules {
  /** Every permission a workflow here may hold: the rest of GitHub's scopes stay none. */
  static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "id-token", Set.of("write", "none"),
          "contents", Set.of("read", "none"),
          "issues", Set.of("write", "read", "none"),
          "pull-requests", Set.of("write", "read", "none"));

  private WorkflowRules() {}

  @SuppressWarnings("unchecked")
  static List<String> violations(String file, Map<String, Object> wf) {
    List<String> out = new ArrayList<>();
    Object on =
        wf.containsKey("on") ? wf.get("on") : wf.get(Boolean.TRUE); // YAML 1.1 reads "on" as true
    boolean prTarget =
        on instanceof Map<?, ?> m
            ? m.containsKey("pull_request_target")
            : String.valueOf(on).contains("pull_request_target");
    permissions(file, "", wf.get("permissions"), out);
    Map<String, Object> jobs = (Map<String, Object>) wf.getOrDefault("jobs", Map.of());
    jobs.forEach(
        (name, j) -> {
          Map<String, Object> job = (Map<String, Object>) j;
          permissions(file, "jobs." + name, job.get("permissions"), out);
          List<Object> steps = (List<Object>) job.getOrDefault("steps", List.of());
          for (int i = 0; i < steps.size(); i++) {
            Map<String, Object> step = (Map<String, Object>) steps.get(i);
            String where = file + " jobs." + name + ".steps[" + i + "]";
            Object run = step.get("run");
            if (run != null && String.valueOf(run).contains("${{")) {
              out.add(where + ": a ${{ }} expression inside run: (pass it through env:)");
            }
            Object uses = step.get("uses");
            if (prTarget && uses != null && String.valueOf(uses).startsWith("actions/checkout")) {
              out.add(
                  where
                      + ": pull_request_target with a checkout runs untrusted code with the base repository's rights");
            }
          }
        });
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void permissions(String file, String where, Object p, List<String> out) {
    if (p == null) {
      return;
    }
    String at = file + (where.isEmpty() ? "" : " " + where) + ".permissions";
    if (p instanceof String s) {
      out.add(at + ": '" + s + "' (list the few permissions needed instead)");
      return;
    }
    ((Map<String, Object>) p)
        .forEach(
            (scope, level) -> {
              Set<String> ok = ALLOWED.get(scope);
              if (ok == null || !ok.contains(String.valueOf(level))) {
                out.add(at + ": " + scope + ": " + level + " is more than an agent workflow needs");
              }
            });
  }
}
