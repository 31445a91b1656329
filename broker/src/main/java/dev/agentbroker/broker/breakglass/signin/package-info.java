/**
 * Sign-in for the break-glass page with the organisation's OpenID Connect provider: authorization
 * code flow with PKCE (S256), state and nonce, the ID token verified with smallrye-jwt against the
 * provider's JWKS, and a server-side session keyed by a random {@code Secure; HttpOnly;
 * SameSite=Strict} cookie with an idle timeout. Cookie-authenticated state changes must carry the
 * session's CSRF token and come from the page's origin. Why not quarkus-oidc: ADR 0014.
 */
package dev.agentbroker.broker.breakglass.signin;
