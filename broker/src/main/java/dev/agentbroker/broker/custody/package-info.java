/**
 * Key custody adapters on quarkus-vault: the broker's own OpenBao/Vault client (AppRole login, a
 * response-wrapped secret_id unwrapped exactly once at start-up, token renewal and re-login), the
 * KV v2 {@link dev.agentbroker.tiera.keys.PemSource} and the Transit {@link
 * dev.agentbroker.tiera.keys.TransitSigner}, and the cached key-availability state that readiness
 * reports. Nothing here logs or puts into an exception a token, secret_id or key.
 */
package dev.agentbroker.broker.custody;
