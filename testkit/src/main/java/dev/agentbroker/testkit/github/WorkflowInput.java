package dev.agentbroker.testkit.github;

import java.util.Objects;

/**
 * One {@code on.workflow_dispatch.inputs} entry of a simulated workflow. Only what GitHub checks on
 * dispatch is modelled: whether the input is declared, and whether a required one is present.
 *
 * @param name the input's key
 * @param required {@code required: true}
 * @param defaultValue the {@code default:}, or null when there is none; a required input with a
 *     default may be omitted
 */
public record WorkflowInput(String name, boolean required, String defaultValue) {
  public WorkflowInput {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("blank input name");
    }
  }
}
