/**
 * A local HTTPS git smart-HTTP host standing in for github.com.
 *
 * <p>It runs the real {@code git http-backend} behind a JDK HTTPS server with a per-start CA, and
 * admits only live installation tokens of the {@link
 * dev.agentbroker.testkit.github.GitHubSimulator} that reach the repository, answering with
 * GitHub's statuses and messages, so end-to-end tests and the demo can prove with an unmodified git
 * client that a brokered token works and that a revoked, expired or narrower one does not. Entry
 * point: {@link dev.agentbroker.testkit.git.GitHttpHost#start}.
 */
package dev.agentbroker.testkit.git;
