/**
 * A local stand-in for GitHub Actions' OIDC issuer ({@code https://token.actions.githubusercontent
 * .com}): discovery document, JWKS with key rotation, RS256 ID tokens with GitHub's claim set, and
 * the runner-side request endpoint that {@code ACTIONS_ID_TOKEN_REQUEST_URL} points at.
 *
 * <p>Entry point: {@link dev.agentbroker.testkit.oidc.ActionsOidcIssuer#start}.
 */
package dev.agentbroker.testkit.oidc;
