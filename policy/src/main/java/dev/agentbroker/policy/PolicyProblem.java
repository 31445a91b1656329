package dev.agentbroker.policy;

import java.util.Objects;

/**
 * One problem found while loading a policy. Lines and columns are 1-based; 0 means the problem has
 * no position (for example an unreadable file). An empty path means the document root.
 */
public record PolicyProblem(String source, int line, int column, String path, String message) {
  public PolicyProblem {
    Objects.requireNonNull(source, "source");
    path = path == null ? "" : path;
    Objects.requireNonNull(message, "message");
  }

  /** {@code source:line:col path: message} (the path part is omitted at the root). */
  @Override
  public String toString() {
    String where = source + ":" + line + ":" + column;
    return path.isEmpty() ? where + ": " + message : where + " " + path + ": " + message;
  }
}
