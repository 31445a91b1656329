package dev.agentbroker.tiera.github;

/** GitHub's status and body for a call that was not retried into a failure. */
public record GitHubAnswer(int status, String body) {}
