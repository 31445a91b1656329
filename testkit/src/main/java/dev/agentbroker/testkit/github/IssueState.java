package dev.agentbroker.testkit.github;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues tests declared, with their labels and the comments the API added. World state, kept by
 * {@code reset()}.
 */
final class IssueState {
  /** Comment ids in GitHub's current range (above {@code 2^31}). */
  private static final long FIRST_COMMENT_ID = 3_000_000_000L;

  private final Map<String, Issue> issues = new ConcurrentHashMap<>();
  private long nextCommentId = FIRST_COMMENT_ID;

  /** A comment as stored; the author is always the App's bot. */
  record Comment(long id, String body, Instant createdAt) {}

  /** One issue. Its methods synchronize on the issue, so concurrent edits stay consistent. */
  static final class Issue {
    private final List<String> labels;
    private final List<Comment> comments = new ArrayList<>();

    private Issue(List<String> labels) {
      this.labels = new ArrayList<>(labels);
    }

    synchronized List<String> labels() {
      return List.copyOf(labels);
    }

    /**
     * Removes {@code name} (case-insensitive, as GitHub's label names are) and returns the labels
     * left; null when the issue does not carry it.
     */
    synchronized List<String> removeLabel(String name) {
      for (int i = 0; i < labels.size(); i++) {
        if (labels.get(i).equalsIgnoreCase(name)) {
          labels.remove(i);
          return List.copyOf(labels);
        }
      }
      return null;
    }

    synchronized List<Comment> comments() {
      return List.copyOf(comments);
    }

    private synchronized void add(Comment c) {
      comments.add(c);
    }
  }

  private static String key(String owner, String repo, long number) {
    return AdminState.key(owner, repo) + "#" + number;
  }

  void add(String owner, String repo, int number, List<String> labels) {
    issues.put(key(owner, repo, number), new Issue(labels));
  }

  /** The issue, or null. */
  Issue issue(String owner, String repo, long number) {
    return issues.get(key(owner, repo, number));
  }

  Comment comment(Issue issue, String body, Instant now) {
    long id;
    synchronized (this) {
      id = nextCommentId++;
    }
    Comment c = new Comment(id, body, now);
    issue.add(c);
    return c;
  }
}
