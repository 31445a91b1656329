/**
 * A faithful, in-process simulator of the GitHub App REST API surface the broker depends on (API
 * version 2022-11-28): App-JWT authentication, installation lookups, installation-token minting,
 * listing and revocation, the org-admin calls, workflow dispatch and runs, issue labels and
 * comments.
 *
 * <p>It is a real HTTP server ({@link com.sun.net.httpserver.HttpServer}) rather than a mock so
 * that the broker's HTTP client, retry and error mapping code are exercised byte-for-byte: JWTs are
 * verified with an independent JDK implementation, limits are enforced, and errors use GitHub's
 * status codes and messages. {@link dev.agentbroker.testkit.github.Faults} injects the failures
 * GitHub produces in production (5xx, rate limits, dropped connections, latency).
 *
 * <p>Entry point: {@link dev.agentbroker.testkit.github.GitHubSimulator#start}.
 */
package dev.agentbroker.testkit.github;
