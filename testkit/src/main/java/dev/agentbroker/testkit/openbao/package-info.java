/**
 * An OpenBao (HashiCorp Vault API) simulator for exactly the endpoints the broker's key custody
 * uses: AppRole login, response-wrapped secret_id unwrap (single use, TTL), token lookup/renew, KV
 * v2 read, Transit sign and key read. It really signs with RSA keys it holds, answers with
 * OpenBao's JSON shapes, status codes and error bodies, checks request shapes and the {@code
 * X-Vault-Token} header, and injects faults (down, error status, latency) on request.
 */
package dev.agentbroker.testkit.openbao;
