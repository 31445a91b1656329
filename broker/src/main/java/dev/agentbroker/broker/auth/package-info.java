/**
 * Caller authentication: a bearer JWT verified by the parser of the issuer it claims, one parser
 * per trusted issuer so no issuer's key can ever verify another issuer's tokens.
 */
package dev.agentbroker.broker.auth;
