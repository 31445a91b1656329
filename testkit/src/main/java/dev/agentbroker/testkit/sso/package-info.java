/**
 * A local OpenID Connect provider for the organisation's single sign-on, as the break-glass page
 * uses it: discovery, JWKS, the authorization endpoint with a sign-in form (authorization code
 * flow, PKCE S256 required), and the token endpoint issuing signed ID and access tokens. It
 * enforces the protocol rules a real provider enforces (exact redirect URI, state echoed, nonce
 * carried into the ID token, codes single-use and short-lived, client authentication) so a relying
 * party that gets one wrong fails here too.
 *
 * <p>Entry point: {@link dev.agentbroker.testkit.sso.OidcProvider#start}.
 */
package dev.agentbroker.testkit.sso;
