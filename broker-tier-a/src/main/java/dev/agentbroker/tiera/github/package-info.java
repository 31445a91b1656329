/**
 * The GitHub App REST client: App JWT reuse, owner-to-installation lookup with caching, minting
 * down-scoped installation tokens, and revocation. Only the calls the broker needs, with GitHub's
 * required headers and its rate-limit and retry rules.
 */
package dev.agentbroker.tiera.github;
