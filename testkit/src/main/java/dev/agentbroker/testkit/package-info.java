/**
 * Test utilities shared by every module's tests, benchmarks and the demo: a controllable {@link
 * dev.agentbroker.testkit.MutableClock}, throwaway key material in the PEM shapes GitHub and
 * operators actually hand around ({@link dev.agentbroker.testkit.TestKeys}), and caller JWTs —
 * valid and deliberately forged — for exercising the broker's front door ({@link
 * dev.agentbroker.testkit.CallerTokens}).
 *
 * <p>The GitHub App API simulator lives in {@code dev.agentbroker.testkit.github}, the GitHub
 * Actions OIDC issuer in {@code dev.agentbroker.testkit.oidc}.
 */
package dev.agentbroker.testkit;
